// What the mock upstream answers and what the load generators send, shared so that the clients can
// check every answer they read against what the upstream wrote.

/** The model id the mock upstream serves. */
export const UPSTREAM_MODEL = 'mock-model';
/** The public model name the gateway's config routes to the mock upstream. */
export const GATEWAY_MODEL = 'bench-model';
/** Content chunks per streamed answer unless the mock is started with `--chunks`. */
export const DEFAULT_STREAM_CHUNKS = 40;

/** The text of content chunk `i` (0-based) of a streamed answer. */
export function chunkText(i: number): string {
  return `tok${String(i).padStart(4, '0')} `;
}

/** The whole text a client must reassemble from a stream of `chunks` content chunks. */
export function streamText(chunks: number): string {
  let text = '';
  for (let i = 0; i < chunks; i++) text += chunkText(i);
  return text;
}

/** The non-stream answer's message content: about 1 KB of JSON with the envelope. */
export const COMPLETION_TEXT =
  'Switchyard benchmark answer. '.repeat(28).trim() + ' The quick brown fox jumps over the lazy dog.';

const PROMPT = [
  { role: 'system', content: 'You are a concise assistant used by a load test. Answer in one paragraph.' },
  {
    role: 'user',
    content: 'Explain in a few sentences what an API gateway adds in front of a model provider.',
  },
];

/** The chat request a load generator sends (compact JSON, as SDKs send it). */
export function requestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: PROMPT,
    max_tokens: 256,
    temperature: 0.2,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
