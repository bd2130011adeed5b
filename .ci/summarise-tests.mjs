// Summarises Vitest JSON reports (one per runtime) for .ci/run.
// Usage: node .ci/summarise-tests.mjs <label>=<report.json> ...
// Prints, per runtime, what ran, passed, failed and was skipped; then the unique tests across
// runtimes (a test is identified by its file and full name: the library tests run on Node 20 and
// again on Node 24, and count once). A unique test failed if it failed on any runtime, passed if it
// passed on every runtime that ran it, and is skipped if no runtime ran it. A file that could not
// load (no test results, run marked failed) counts as one failed test, as does a missing report.
// The last line is `tests: N passed, M failed` over the unique tests; CI parses it.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const outcome = (status) => (status === 'passed' ? 'passed' : status === 'failed' ? 'failed' : 'skipped');

/** @type {Map<string, Set<string>>} test id -> outcomes over runtimes */
const unique = new Map();
const record = (id, result) => {
  const seen = unique.get(id) ?? new Set();
  seen.add(result);
  unique.set(id, seen);
};

for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.split('=');
  if (!existsSync(file)) {
    console.log(`${label}: no report (${file}): counted as 1 failed`);
    record(`${label}: missing report`, 'failed');
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of report.testResults) {
    const path = relative(process.cwd(), suite.name);
    if (suite.assertionResults.length === 0 && suite.status === 'failed') {
      counts.failed += 1;
      record(`${path} (did not load)`, 'failed');
    }
    for (const test of suite.assertionResults) {
      const result = outcome(test.status);
      counts[result] += 1;
      record(`${path} > ${test.fullName}`, result);
    }
  }
  if (report.success === false && counts.failed === 0) {
    counts.failed += 1;
    record(`${label}: run failed with no failed test`, 'failed');
  }
  const ran = counts.passed + counts.failed;
  console.log(
    `${label}: ${ran} ran (${counts.passed} passed, ${counts.failed} failed), ${counts.skipped} skipped`,
  );
}

const total = { passed: 0, failed: 0, skipped: 0 };
for (const seen of unique.values()) {
  if (seen.has('failed')) total.failed += 1;
  else if (seen.has('passed')) total.passed += 1;
  else total.skipped += 1;
}
console.log(
  `unique tests: ${unique.size} (${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped on every runtime)`,
);
console.log(`tests: ${total.passed} passed, ${total.failed} failed`);
