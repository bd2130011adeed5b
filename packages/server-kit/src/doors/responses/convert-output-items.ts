import type { ResponseInputItem, ResponseOutputItem } from '@switchyard/protocol';

/**
 * A response's output as input items of the next turn (what `previous_response_id` continues
 * from): the assistant message, its function calls and its reasoning. Item types this door never
 * writes are left out.
 */
export function outputAsInput(output: readonly ResponseOutputItem[]): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  for (const item of output) {
    switch (item.type) {
      case 'message':
        if ('role' in item)
          items.push({
            type: 'message',
            id: item.id,
            role: 'assistant',
            status: item.status,
            content: item.content,
          });
        break;
      case 'function_call':
        if ('call_id' in item)
          items.push({
            type: 'function_call',
            ...(item.id ? { id: item.id } : {}),
            call_id: item.call_id,
            name: item.name,
            arguments: item.arguments,
          });
        break;
      case 'reasoning':
        if ('summary' in item) items.push({ type: 'reasoning', id: item.id, summary: item.summary });
        break;
    }
  }
  return items;
}
