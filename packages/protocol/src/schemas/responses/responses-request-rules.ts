import type { z } from 'zod';
import { describeValue } from '../request-fields.js';

type Issue = (path: (string | number)[], message: string, input: unknown) => void;

/**
 * Rules of a Responses request that span fields. Zod runs them even when a field failed, so
 * every read is defensive.
 */
export function addResponsesCrossFieldIssues(request: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const issue: Issue = (path, message, input) => ctx.addIssue({ code: 'custom', path, message, input });
  if (request.background === true) {
    issue(['background'], '{param} is not supported: run the request in the foreground (stream it)', true);
  }
  if (request.conversation != null) {
    issue(
      ['conversation'],
      '{param} is not supported: continue a conversation with previous_response_id',
      request.conversation,
    );
  }
  const names = new Map<string, number>();
  if (Array.isArray(request.tools)) {
    request.tools.forEach((tool, i) => {
      const name = isRecord(tool) ? tool.name : undefined;
      if (typeof name !== 'string') return;
      const first = names.get(name);
      if (first === undefined) names.set(name, i);
      else issue(['tools', i, 'name'], `{param} '${name}' is already defined by tools[${first}]`, name);
    });
  }
  const choice = request.tool_choice;
  if (choice == null || choice === 'none' || choice === 'auto') return;
  if (names.size === 0) {
    issue(['tool_choice'], `{param} ${describeValue(choice)} requires tools`, choice);
    return;
  }
  if (!isRecord(choice)) return;
  const known = (name: unknown, path: (string | number)[]) => {
    if (typeof name !== 'string' || names.has(name)) return;
    const listed = [...names.keys()].join(', ');
    issue(path, `{param} ${describeValue(name)} does not match any function in tools (${listed})`, name);
  };
  if (choice.type === 'function') known(choice.name, ['tool_choice', 'name']);
  else if (choice.type === 'allowed_tools' && Array.isArray(choice.tools)) {
    choice.tools.forEach((tool, i) => {
      if (isRecord(tool)) known(tool.name, ['tool_choice', 'tools', i, 'name']);
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
