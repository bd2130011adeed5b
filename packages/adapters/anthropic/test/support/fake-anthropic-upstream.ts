import { startUpstream, type Upstream, type UpstreamReply } from './upstream-server.js';

/**
 * A FAKE Anthropic Messages API for tests: a small deterministic server, not a recording.
 *
 * It checks what the real API enforces (the key, `anthropic-version`, alternating turns that start
 * with a user turn, non-empty content, `max_tokens`, temperature ≤ 1, thinking budgets, forced
 * tools without thinking, tool_use ids answered in the next turn, closed objects in
 * `output_config` schemas) and answers with Anthropic's error shapes, so that a translation bug
 * shows up as a 400. Answers are deterministic:
 *
 * - `Repeat exactly: X` → `X`; `Count from one to one hundred` → the numbers in words; a message
 *   with `essay` → a long text streamed slowly; anything else → a greeting that quotes the message.
 * - A user turn of tool results → `The tool returned: <results>.`
 * - `tool_choice` `tool` / `any` → a call of the named / first tool with arguments made from its
 *   schema; `output_config.format` → JSON made from the schema; thinking → a signed thinking block.
 * - `max_tokens` and `stop_sequences` cut the answer (one word = one token).
 * - `FAIL <error type>` → that Anthropic error (`overloaded_error` → 529…);
 *   `FAIL mid-stream` → 529 without streaming, or a stream that breaks with an `error` event.
 */
export async function startFakeAnthropicUpstream(options: {
  apiKey: string;
  models: readonly string[];
}): Promise<Upstream> {
  return startUpstream((request) => {
    if (request.method === 'GET' && request.url.startsWith('/v1/models')) {
      if (request.headers['x-api-key'] !== options.apiKey)
        return error(401, 'authentication_error', 'invalid x-api-key');
      return json(200, {
        data: options.models.map((id) => ({
          type: 'model',
          id,
          display_name: id,
          created_at: '2025-01-01T00:00:00Z',
        })),
        has_more: false,
      });
    }
    if (request.method !== 'POST' || request.url !== '/v1/messages')
      return error(404, 'not_found_error', 'Not found');
    if (request.headers['x-api-key'] !== options.apiKey)
      return error(401, 'authentication_error', 'invalid x-api-key');
    if (!request.headers['anthropic-version']) {
      return error(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    let body: Body;
    try {
      body = JSON.parse(request.body) as Body;
    } catch {
      return error(400, 'invalid_request_error', 'The request body is not valid JSON.');
    }
    if (
      !options.models.some(
        (id) => id === body.model || id.startsWith(`${body.model}-`) || aliasOf(id) === body.model,
      )
    ) {
      return error(404, 'not_found_error', `model: ${body.model}`);
    }
    const invalid = validate(body);
    if (invalid) return error(400, 'invalid_request_error', invalid);
    return answer(body);
  });
}

interface Block {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
}

interface Body {
  model: string;
  max_tokens: number;
  messages: { role: string; content: Block[] | string }[];
  system?: unknown;
  temperature?: number;
  stop_sequences?: string[];
  stream?: boolean;
  tools?: { name: string; input_schema: Schema }[];
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
  output_config?: { format?: { type: string; schema: Schema } };
}

type Schema = Record<string, unknown>;

function aliasOf(id: string): string {
  const base = id.replace(/-\d{8}$/, '');
  return base.startsWith('claude-3') ? `${base}-latest` : base;
}

function validate(body: Body): string | undefined {
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return 'messages: at least one message is required';
  if (body.temperature !== undefined && (body.temperature < 0 || body.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  const thinking = body.thinking?.type === 'enabled';
  if (thinking) {
    const budget = body.thinking?.budget_tokens ?? 0;
    if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (budget >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`';
    if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') {
      return 'Thinking may not be enabled when tool_choice forces tool use.';
    }
    if (body.temperature !== undefined && body.temperature !== 1) {
      return '`temperature` may only be set to 1 when thinking is enabled';
    }
  }
  if (body.tool_choice && !body.tools?.length)
    return 'tool_choice may only be specified while providing tools.';
  const names = new Set((body.tools ?? []).map((tool) => tool.name));
  if (body.tool_choice?.type === 'tool' && !names.has(body.tool_choice.name ?? '')) {
    return `Tool '${body.tool_choice.name}' not found in tools`;
  }
  for (const tool of body.tools ?? []) {
    if (tool.input_schema?.type !== 'object')
      return `tools.${tool.name}.input_schema.type: Input should be 'object'`;
  }
  if (body.output_config?.format && openObject(body.output_config.format.schema)) {
    return 'output_config.format.schema: For object types, additionalProperties must be set to false';
  }
  let pending: string[] = [];
  for (const [i, message] of body.messages.entries()) {
    const expectedRole = i % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expectedRole)
      return `messages.${i}: roles must alternate between "user" and "assistant"`;
    const blocks =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (blocks.length === 0) return `messages.${i}: all messages must have non-empty content`;
    if (blocks.some((block) => block.type === 'text' && !block.text)) {
      return `messages.${i}: text content blocks must be non-empty`;
    }
    const results = blocks
      .filter((block) => block.type === 'tool_result')
      .map((block) => block.tool_use_id ?? '');
    for (const id of results) {
      if (!pending.includes(id)) {
        return `messages.${i}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}`;
      }
    }
    if (pending.some((id) => !results.includes(id))) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after`;
    }
    const firstOther = blocks.findIndex((block) => block.type !== 'tool_result');
    if (firstOther !== -1 && blocks.slice(firstOther).some((block) => block.type === 'tool_result')) {
      return `messages.${i}: tool_result blocks must come first in the content`;
    }
    pending = blocks.filter((block) => block.type === 'tool_use').map((block) => block.id ?? '');
  }
  return undefined;
}

function openObject(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const node = schema as Schema;
  if (node.type === 'object' && node.additionalProperties !== false) return true;
  return Object.values(node).some((value) =>
    Array.isArray(value) ? value.some(openObject) : typeof value === 'object' && openObject(value),
  );
}

function lastUserText(body: Body): { text: string; toolResults: string[] } {
  const last = body.messages.at(-1);
  const blocks =
    typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : (last?.content ?? []);
  const text = blocks
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join(' ');
  const toolResults = blocks
    .filter((block) => block.type === 'tool_result')
    .map((block) =>
      typeof block.content === 'string'
        ? block.content
        : ((block.content as Block[] | undefined) ?? []).map((b) => b.text).join(' '),
    );
  return { text, toolResults };
}

const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function replyText(body: Body, text: string, toolResults: string[]): string {
  if (toolResults.length > 0) return `The tool returned: ${toolResults.join('; ')}.`;
  if (body.output_config?.format) return JSON.stringify(exampleOf(body.output_config.format.schema));
  const repeat = /Repeat exactly: (.*)$/s.exec(text);
  if (repeat) return repeat[1] as string;
  if (/Count from one to one hundred/i.test(text)) {
    return Array.from({ length: 100 }, (_, i) => (i < 10 ? NUMBERS[i] : `number-${i + 1}`)).join(' ');
  }
  if (/essay/i.test(text)) return Array.from({ length: 2000 }, (_, i) => `railway${i}`).join(' ');
  return `Hello from the fake Anthropic upstream! You said: ${text}`;
}

/** A value that satisfies the (simple) JSON Schema: enums, bounds, required fields, array sizes. */
function exampleOf(schema: Schema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.anyOf)) return exampleOf(schema.anyOf[0] as Schema);
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, exampleOf(child)]));
    }
    case 'array':
      return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () =>
        exampleOf((schema.items ?? {}) as Schema),
      );
    case 'integer':
    case 'number':
      return Math.max(Number(schema.minimum ?? 0), Math.min(Number(schema.maximum ?? 42), 42));
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'Paris';
  }
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function answer(body: Body): UpstreamReply {
  const { text, toolResults } = lastUserText(body);
  const failure = /FAIL ([a-z_-]+)/.exec(text)?.[1];
  if (failure && (failure !== 'mid-stream' || !body.stream)) {
    const type = failure === 'mid-stream' ? 'overloaded_error' : failure;
    return error(STATUS_FOR_TYPE[type] ?? 500, type, `Fake failure: ${type}`);
  }

  const content: Block[] = [];
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  let outputTokens = 0;
  let thinking: { thinking: string; signature: string } | undefined;
  if (body.thinking?.type === 'enabled') {
    const thought = `The user wrote ${words(text)} words; answer plainly.`;
    thinking = { thinking: thought, signature: `fake-signature-${words(text)}` };
    outputTokens += words(thought);
  }
  const choice = body.tool_choice;
  const tool =
    choice?.type === 'tool'
      ? body.tools?.find((candidate) => candidate.name === choice.name)
      : choice?.type === 'any'
        ? body.tools?.[0]
        : undefined;
  if (tool) {
    const input = exampleOf(tool.input_schema);
    content.push({ type: 'tool_use', id: `toolu_fake_${tool.name}`, name: tool.name, input });
    outputTokens += words(JSON.stringify(input));
    stopReason = 'tool_use';
  } else {
    let reply = replyText(body, text, toolResults);
    for (const sequence of body.stop_sequences ?? []) {
      const at = reply.indexOf(sequence);
      if (at !== -1) {
        reply = reply.slice(0, at);
        stopReason = 'stop_sequence';
        stopSequence = sequence;
      }
    }
    const budget = body.max_tokens - outputTokens;
    const replyWords = reply.split(' ');
    if (replyWords.length > budget) {
      reply = replyWords.slice(0, Math.max(0, budget)).join(' ');
      stopReason = 'max_tokens';
    }
    outputTokens += words(reply);
    if (reply) content.push({ type: 'text', text: reply });
  }
  const usage = {
    input_tokens: Math.max(
      1,
      words(JSON.stringify(body.messages)) + words(JSON.stringify(body.system ?? '')),
    ),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
  };
  const message = {
    id: `msg_fake_${usage.input_tokens}_${outputTokens}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: thinking ? [{ type: 'thinking', ...thinking }, ...content] : content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    usage,
  };
  if (!body.stream) return json(200, message);
  return streamOf(message, failure === 'mid-stream');
}

const STATUS_FOR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

function streamOf(
  message: {
    content: (Block & { thinking?: string; signature?: string })[];
    usage: Record<string, number>;
  } & Record<string, unknown>,
  breakMidStream: boolean,
): UpstreamReply {
  const events: Record<string, unknown>[] = [
    {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
    },
    { type: 'ping' },
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'thinking') {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const piece of pieces(block.thinking ?? '')) {
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'thinking_delta', thinking: piece },
        });
      }
      events.push({
        type: 'content_block_delta',
        index,
        delta: { type: 'signature_delta', signature: block.signature },
      });
    } else if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of pieces(block.text ?? '')) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const input = JSON.stringify(block.input);
      const half = Math.ceil(input.length / 2);
      for (const part of [input.slice(0, half), input.slice(half)]) {
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      }
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: message.usage.output_tokens },
    },
    { type: 'message_stop' },
  );
  let frames = events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  if (breakMidStream) {
    frames = [
      ...frames.slice(0, 5),
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ];
  }
  // Long answers arrive slowly, like a real generation, so a client can leave in the middle.
  return {
    headers: { 'content-type': 'text/event-stream', 'request-id': 'req_fake_stream' },
    body: frames,
    ...(frames.length > 200 ? { pieceDelayMs: 5 } : {}),
  };
}

/** Splits text into word-sized pieces that keep their spaces. */
function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function json(status: number, body: unknown): UpstreamReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'request-id': `req_fake_${status}` },
    body: JSON.stringify(body),
  };
}

function error(status: number, type: string, message: string): UpstreamReply {
  return json(status, { type: 'error', error: { type, message }, request_id: `req_fake_${status}` });
}
