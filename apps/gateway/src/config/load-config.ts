import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { ConfigError, type ConfigIssue, sourceExcerpt } from './config-error.js';
import { interpolateEnv } from './interpolate-env.js';
import { findJsonSyntaxError } from './json-syntax-error.js';
import { type ConfigOverrides, type ResolvedConfig, resolveConfig } from './resolve-config.js';

/** File names looked for in the working directory when no config path is given. */
export const DEFAULT_CONFIG_FILES = ['switchyard.yaml', 'switchyard.yml', 'switchyard.json'] as const;

export interface LoadConfigOptions {
  /** Explicit path (`--config`); else `SWITCHYARD_CONFIG`; else the first default file that exists. */
  readonly path?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly overrides?: ConfigOverrides;
}

const YAML_FIX = 'fix the YAML syntax (indent with spaces, quote values that contain ": " or start with "{")';
/** yaml's codes for a line indented where no nested block can start. */
const INDENT_ERRORS = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'BAD_INDENT']);

const indentOf = (line: string) => line.length - line.trimStart().length;
const isContent = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
// `key: value` (a value already set on the line), not `key:` opening a block.
const HAS_VALUE = /^\s*(?:- +)?[^\s#][^:]*:\s+[^\s#|>]/;

/**
 * yaml reports an over-indented line at the value above it, where the parser noticed; the line a
 * user must fix is the first one after `from` that is indented deeper than a `key: value` line.
 */
function overIndentedLine(lines: readonly string[], from: number, to: number): number | undefined {
  let previous: string | undefined;
  for (let n = 1; n <= Math.min(to, lines.length); n++) {
    const line = lines[n - 1]!;
    if (!isContent(line)) continue;
    if (n > from && previous !== undefined && indentOf(line) > indentOf(previous) && HAS_VALUE.test(previous))
      return n;
    previous = line;
  }
  return undefined;
}

function yamlIssues(text: string, errors: readonly YAMLError[]): ConfigIssue[] {
  const lines = text.split(/\r?\n/);
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const error of errors) {
    const [start, end] = error.linePos ?? [];
    let line = start?.line;
    let column = start?.col;
    let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (start && INDENT_ERRORS.has(error.code)) {
      const culprit = overIndentedLine(lines, start.line, (end?.line ?? start.line) + 1);
      if (culprit !== undefined) {
        line = culprit;
        column = indentOf(lines[culprit - 1]!) + 1;
        message = 'this line is indented more than the line above it, whose value is already set';
      }
    }
    // One misplaced line often trips several of yaml's checks: report it once.
    const key = `${line}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path: '',
      message: `YAML syntax error${line ? ` at line ${line}, column ${column}` : ''}: ${message}`,
      ...(line && column ? { excerpt: sourceExcerpt(text, line, column) } : {}),
      fix: YAML_FIX,
    });
  }
  return issues;
}

/** Parses YAML or JSON text (by extension; YAML otherwise), reporting syntax errors with line, column and the line itself. */
export function parseConfigText(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON.parse's message: it quotes the text around the error, and a config holds secrets.
      const at = findJsonSyntaxError(text) ?? {
        line: 1,
        column: 1,
        found: 'a character JSON does not allow',
      };
      throw new ConfigError(
        [
          {
            path: '',
            message: `not valid JSON at line ${at.line}, column ${at.column}: ${at.found}`,
            excerpt: sourceExcerpt(text, at.line, at.column),
            fix: 'fix the JSON syntax (no trailing commas or comments; quote every key and string)',
          },
        ],
        source,
      );
    }
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) throw new ConfigError(yamlIssues(text, document.errors), source);
  return document.toJS() ?? {};
}

/** Finds the config file to read, or `undefined` for zero config. */
export function findConfigFile(options: LoadConfigOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? options.env?.SWITCHYARD_CONFIG?.trim();
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(
        [
          {
            path: '',
            message: `config file ${path} does not exist`,
            fix: 'pass an existing file with --config, or unset SWITCHYARD_CONFIG',
          },
        ],
        explicit,
      );
    }
    return path;
  }
  return DEFAULT_CONFIG_FILES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

/**
 * Loads the gateway configuration: reads the config file if there is one, interpolates `${ENV}`,
 * validates it, and merges env and flags. Throws a {@link ConfigError} naming every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const source = findConfigFile({ ...options, env, cwd });
  let file: unknown;
  let issues: ConfigIssue[] = [];
  if (source) {
    const interpolated = interpolateEnv(parseConfigText(readFileSync(source, 'utf8'), source), env);
    file = interpolated.value;
    issues = interpolated.issues;
  }
  return resolveConfig({
    file,
    issues,
    env,
    cwd,
    ...(source ? { source } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
}
