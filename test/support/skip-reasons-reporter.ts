import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

const REASON = /\(skipped: (.+)\)\s*$/;

/**
 * Why a skipped test was skipped: its skip note, or the `(skipped: …)` in its or a parent's name;
 * undefined when a failed suite skipped it (the failure is reported already).
 */
function reasonOf(test: TestCase): string | undefined {
  const result = test.result();
  if (result.state === 'skipped' && result.note) return result.note;
  for (let node: TestCase | TestCase['parent'] = test; node.type !== 'module'; node = node.parent) {
    const match = REASON.exec(node.name);
    if (match?.[1]) return match[1];
    if (node.type === 'suite' && node.state() === 'failed') return undefined;
  }
  return `no reason given (${test.module.moduleId})`;
}

/**
 * Prints, after the summary, each reason tests were skipped for, once, with how many it skipped:
 * the default reporter only says `7 tests | 7 skipped`.
 */
export default class SkipReasonsReporter implements Reporter {
  #vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, number>();
    for (const module of modules) {
      for (const test of module.children.allTests('skipped')) {
        const reason = reasonOf(test);
        if (reason !== undefined) counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
    }
    if (counts.size === 0) return;
    const lines = [...counts].map(([reason, count]) => `  ${count} skipped: ${reason}`);
    this.#vitest?.logger.log(`\nSkipped tests, and why:\n${lines.join('\n')}\n`);
  }
}
