import type { ResponseInputItem } from '@switchyard/protocol';
import type { DoorRoute } from '../../front-door.js';
import { type DecodeDeps, ownResponse } from './decode-responses-request.js';

const ONE = /^\/v1\/responses\/([^/]+)$/;
const INPUT_ITEMS = /^\/v1\/responses\/([^/]+)\/input_items$/;

function matcher(pattern: RegExp) {
  return (path: string) => {
    const id = pattern.exec(path)?.[1];
    if (id === undefined) return undefined;
    try {
      return { id: decodeURIComponent(id) };
    } catch {
      return { id };
    }
  };
}

/** An input item as OpenAI lists it: a message's string content as one text part. */
function listed(item: ResponseInputItem): ResponseInputItem {
  if (item.type !== 'message' || typeof item.content !== 'string') return item;
  const type = item.role === 'assistant' ? 'output_text' : 'input_text';
  return {
    ...item,
    content: [
      type === 'output_text' ? { type, text: item.content, annotations: [] } : { type, text: item.content },
    ],
  };
}

/**
 * `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`
 * over the caller's stored responses; another key's id is a 404 like an unknown one. Input items
 * are listed newest first (OpenAI's default order) in one page: query parameters are not read.
 */
export function responsesRoutes(deps: DecodeDeps): DoorRoute[] {
  return [
    {
      name: 'responses.retrieve',
      method: 'GET',
      match: matcher(ONE),
      async handle({ context, params }) {
        const stored = await ownResponse(deps, context, params.id ?? '', null);
        return { status: 200, body: stored.response };
      },
    },
    {
      name: 'responses.delete',
      method: 'DELETE',
      match: matcher(ONE),
      async handle({ context, params }) {
        const id = params.id ?? '';
        await ownResponse(deps, context, id, null);
        await deps.store.delete(deps.ownerOf(context.principal), id);
        return { status: 200, body: { id, object: 'response', deleted: true } };
      },
    },
    {
      name: 'responses.input_items',
      method: 'GET',
      match: matcher(INPUT_ITEMS),
      async handle({ context, params }) {
        const stored = await ownResponse(deps, context, params.id ?? '', null);
        const data = stored.input.map(listed).reverse();
        return {
          status: 200,
          body: {
            object: 'list',
            data,
            first_id: data[0]?.id ?? null,
            last_id: data.at(-1)?.id ?? null,
            has_more: false,
          },
        };
      },
    },
  ];
}
