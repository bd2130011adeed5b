import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error.js';
import { interpolateEnv } from './interpolate-env.js';
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

/** Parses YAML or JSON text (by extension; YAML otherwise), reporting syntax errors with line and column. */
export function parseConfigText(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError(
        [{ path: '', message: `not valid JSON: ${(error as Error).message}`, fix: 'fix the JSON syntax' }],
        source,
      );
    }
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        path: '',
        message: `YAML syntax error${error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        fix: 'fix the YAML syntax (indent with spaces, quote values that contain ": " or start with "{")',
      })),
      source,
    );
  }
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
  if (source) {
    const parsed = parseConfigText(readFileSync(source, 'utf8'), source);
    const interpolated = interpolateEnv(parsed, env);
    if (interpolated.issues.length > 0) throw new ConfigError(interpolated.issues, source);
    file = interpolated.value;
  }
  return resolveConfig({
    file,
    env,
    cwd,
    ...(source ? { source } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
}
