import type { z } from 'zod';
import { describeValue } from './request-fields.js';

type Ctx = z.RefinementCtx;

/**
 * Rules that span fields. Zod runs them even when a field failed, so every read is defensive;
 * a field that already failed its own schema is skipped here.
 */
export function addCrossFieldIssues(request: Record<string, unknown>, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string, input: unknown) =>
    ctx.addIssue({ code: 'custom', path, message, input });

  if (request.stream_options != null && request.stream !== true) {
    issue(['stream_options'], '{param} is only allowed when stream is true', request.stream_options);
  }
  if (request.top_logprobs != null && request.logprobs !== true) {
    issue(['top_logprobs'], '{param} requires logprobs to be true', request.top_logprobs);
  }

  const names = functionNames(request.tools, issue);
  const choice = request.tool_choice;
  if (choice == null || choice === 'none' || choice === 'auto') return;
  if (names.size === 0) {
    const what = typeof choice === 'string' ? `'${choice}'` : describeToolChoice(choice);
    issue(['tool_choice'], `{param} ${what} requires tools`, choice);
    return;
  }
  if (!isRecord(choice)) return;
  if (choice.type === 'function' && isRecord(choice.function)) {
    checkKnownName(choice.function.name, ['tool_choice', 'function', 'name'], names, issue);
  } else if (choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    const allowed = choice.allowed_tools.tools;
    if (!Array.isArray(allowed)) return;
    allowed.forEach((tool, i) => {
      if (isRecord(tool) && isRecord(tool.function)) {
        checkKnownName(
          tool.function.name,
          ['tool_choice', 'allowed_tools', 'tools', i, 'function', 'name'],
          names,
          issue,
        );
      }
    });
  }
}

type Issue = (path: (string | number)[], message: string, input: unknown) => void;

function functionNames(tools: unknown, issue: Issue): Map<string, number> {
  const names = new Map<string, number>();
  if (!Array.isArray(tools)) return names;
  tools.forEach((tool, i) => {
    if (!isRecord(tool) || !isRecord(tool.function)) return;
    const name = tool.function.name;
    if (typeof name !== 'string') return;
    const first = names.get(name);
    if (first === undefined) names.set(name, i);
    else
      issue(
        ['tools', i, 'function', 'name'],
        `{param} '${name}' is already defined by tools[${first}]`,
        name,
      );
  });
  return names;
}

function checkKnownName(name: unknown, path: (string | number)[], names: Map<string, number>, issue: Issue) {
  if (typeof name !== 'string' || names.has(name)) return;
  const known = [...names.keys()].join(', ');
  issue(path, `{param} ${describeValue(name)} does not match any function in tools (${known})`, name);
}

function describeToolChoice(choice: unknown): string {
  return isRecord(choice) && typeof choice.type === 'string'
    ? `of type '${choice.type}'`
    : describeValue(choice);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
