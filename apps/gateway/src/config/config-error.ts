import { clip } from '@switchyard/protocol';

/** One problem in the gateway's configuration: where it is, what is wrong, and how to fix it. */
export interface ConfigIssue {
  /** Path in the config, e.g. `models.smart.deployments[0].provider`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
  /** For a syntax error: the offending line of the file, with a caret under the column. */
  readonly excerpt?: string;
}

/** The configuration cannot be used; `issues` lists every problem found, not just the first. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly issues: readonly ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    super(formatIssues(issues, source));
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }
}

function formatIssues(issues: readonly ConfigIssue[], source: string | undefined): string {
  const where = source ? ` in ${source}` : '';
  const head = `Invalid configuration${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):`;
  const lines = issues.map((issue) => {
    const at = issue.path ? `${issue.path}: ` : '';
    const excerpt = issue.excerpt ? `\n${issue.excerpt.replace(/^/gm, '    ')}` : '';
    return `  - ${at}${issue.message}${excerpt}${issue.fix ? `\n    fix: ${issue.fix}` : ''}`;
  });
  return [head, ...lines].join('\n');
}

/** Formats a path array as `a.b[0]["odd key"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment))
      out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Line `line` of `text` (1-based) with its number and a caret under `column`, for a syntax error. */
export function sourceExcerpt(text: string, line: number, column: number): string {
  const shown = clip(text.split(/\r?\n/)[line - 1] ?? '', 200);
  const gutter = `${line} | `;
  return `${gutter}${shown}\n${' '.repeat(gutter.length - 2)}| ${' '.repeat(Math.min(column - 1, shown.length))}^`;
}
