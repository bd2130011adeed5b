import { type ConfigIssue, formatPath } from './config-error.js';

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::?-(.*))?$/s;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config tree with values
 * from `env`; `$${` stays a literal `${`. Keys are left alone. Unset variables without a default
 * and malformed references become issues naming the exact path.
 */
export function interpolateEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return node.includes('$') ? replace(node, path) : node;
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, [...path, key]);
      return out;
    }
    return node;
  };
  const replace = (text: string, path: PropertyKey[]): string =>
    text.replace(REFERENCE, (match, inner: string | undefined) => {
      if (match === '$${') return '${';
      const parsed = VARIABLE.exec(inner ?? '');
      if (!parsed) {
        issues.push({
          path: formatPath(path),
          message: `malformed environment reference ${match}`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the config syntax, quoted.
          fix: 'write ${NAME} or ${NAME:-default} (letters, digits and _), or $${ for a literal "${"',
        });
        return match;
      }
      const [, variable, fallback] = parsed as unknown as [string, string, string | undefined];
      const found = env[variable];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      issues.push({
        path: formatPath(path),
        message: `environment variable ${variable} is not set`,
        fix: `export ${variable}=..., or give a default: \${${variable}:-value}`,
      });
      return '';
    });
  return { value: walk(value, []), issues };
}
