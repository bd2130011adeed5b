import { createHash } from 'node:crypto';
import type { ReceivedRequest, TestUpstream } from '@switchyard/adapter-kit/testing';
import type {
  GeminiCandidate,
  GeminiContent,
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerateContentResponse,
  GeminiPart,
  GeminiSchema,
} from '../../src/gemini-api-types.js';
import { startLocalUpstream, type UpstreamReply } from './local-upstream.js';

/**
 * A FAKE Gemini API for tests — not recorded traffic. It speaks the wire format of
 * `generateContent`, `streamGenerateContent?alt=sse` (CRLF frames, no `[DONE]`) and `models`, and
 * answers deterministically:
 * - a wrong `x-goog-api-key` gets Gemini's 400 `API_KEY_INVALID` body, an unknown model a 404;
 * - with function declarations and mode `ANY` (or `AUTO` before any function result), it calls the
 *   first allowed function with arguments built from its schema; after results, it answers in text;
 * - otherwise it answers `Echo: <last user text>` (a JSON value built from `responseSchema` in JSON
 *   mode), with a thought part first when `includeThoughts` is set;
 * - `stopSequences` cut the text, `maxOutputTokens` (one token per word) cuts it with `MAX_TOKENS`,
 *   `candidateCount` gives that many candidates;
 * - with `responseLogprobs`, every word of the text is a token with log probability -0.5 (its
 *   `logprobs` alternatives at -1, -2, …);
 * - usage counts words; the response id is a hash of the request body;
 * - a last user text `FAIL <GRPC_STATUS>` gets that Gemini error (`FAIL PREPAID` the prepaid-credit
 *   429), `FAIL MID_STREAM` a text event then an INTERNAL error event (a 500 without streaming);
 * - a last user text with `SLOW` streams 400 words, one event every 10 ms, until the client leaves.
 */
export async function startFakeGeminiUpstream(
  options: { apiKey?: string; models?: string[] } = {},
): Promise<TestUpstream> {
  const apiKey = options.apiKey ?? 'fake-key';
  const models = options.models ?? ['gemini-2.5-flash', 'gemini-3-pro-preview'];
  return startLocalUpstream((request) => answer(request, apiKey, models));
}

function answer(request: ReceivedRequest, apiKey: string, models: string[]): UpstreamReply {
  if (request.headers['x-goog-api-key'] !== apiKey) {
    return rpcError(
      400,
      'INVALID_ARGUMENT',
      'API key not valid. Please pass a valid API key.',
      'API_KEY_INVALID',
    );
  }
  const url = new URL(request.path, 'http://fake');
  if (request.method === 'GET' && url.pathname.endsWith('/models')) {
    return json({
      models: models.map((name) => ({
        name: `models/${name}`,
        supportedGenerationMethods: ['generateContent'],
      })),
    });
  }
  const match = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(url.pathname);
  if (request.method !== 'POST' || !match?.[1]) return rpcError(404, 'NOT_FOUND', 'Unknown route.');
  const model = match[1];
  if (!models.includes(model)) {
    return rpcError(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta.`);
  }
  const body = JSON.parse(request.body) as GeminiGenerateContentRequest;
  const streaming = match[2] === 'streamGenerateContent';
  const trigger = lastUserText(body);
  const failure = /FAIL (\w+)/.exec(trigger)?.[1];
  if (failure) return failureReply(failure, streaming);
  if (streaming && trigger.includes('SLOW')) return slowStream(model);
  const responseId = `fake${createHash('sha256').update(request.body).digest('hex').slice(0, 16)}`;
  const candidates = Array.from({ length: body.generationConfig?.candidateCount ?? 1 }, (_, index) =>
    candidateFor(body, index),
  );
  const usageMetadata = {
    promptTokenCount: countWords(body.contents),
    candidatesTokenCount: candidates.reduce((sum, candidate) => sum + candidate.outputTokens, 0),
    totalTokenCount: 0,
    ...(candidates.some((candidate) => candidate.thoughtTokens > 0)
      ? { thoughtsTokenCount: candidates.reduce((sum, candidate) => sum + candidate.thoughtTokens, 0) }
      : {}),
  };
  usageMetadata.totalTokenCount =
    usageMetadata.promptTokenCount +
    usageMetadata.candidatesTokenCount +
    (usageMetadata.thoughtsTokenCount ?? 0);

  if (!streaming) {
    return json({
      candidates: candidates.map((candidate) => ({
        index: candidate.index,
        content: { role: 'model', parts: candidate.parts },
        finishReason: candidate.finishReason,
        ...(candidate.logprobsResult ? { logprobsResult: candidate.logprobsResult } : {}),
      })),
      usageMetadata,
      modelVersion: model,
      responseId,
    });
  }
  // One event per part and candidate, then the finish reasons and usage in a last event.
  const events: GeminiGenerateContentResponse[] = [];
  for (const candidate of candidates) {
    const result = candidate.logprobsResult;
    // Tokens are the answer's text parts, which come last: each event carries its token's logprobs.
    const firstToken = candidate.parts.length - (result?.chosenCandidates?.length ?? 0);
    candidate.parts.forEach((part, i) => {
      const step = i - firstToken;
      const logprobsResult =
        result && step >= 0
          ? {
              chosenCandidates: result.chosenCandidates?.slice(step, step + 1),
              topCandidates: result.topCandidates?.slice(step, step + 1),
            }
          : undefined;
      events.push({
        candidates: [
          {
            index: candidate.index,
            content: { role: 'model', parts: [part] },
            ...(logprobsResult ? { logprobsResult } : {}),
          },
        ],
        modelVersion: model,
        responseId,
      });
    });
  }
  events.push({
    candidates: candidates.map((candidate) => ({
      index: candidate.index,
      content: { role: 'model', parts: [{ text: '' }] },
      finishReason: candidate.finishReason,
    })),
    usageMetadata,
    modelVersion: model,
    responseId,
  });
  return {
    headers: { 'content-type': 'text/event-stream' },
    body: events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join(''),
  };
}

interface FakeCandidate {
  index: number;
  parts: GeminiPart[];
  logprobsResult?: GeminiCandidate['logprobsResult'];
  finishReason: string;
  outputTokens: number;
  thoughtTokens: number;
}

function lastUserText(body: GeminiGenerateContentRequest): string {
  const lastUser = [...body.contents].reverse().find((content) => content.role === 'user');
  return (lastUser?.parts ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text])).join(' ');
}

const FAILURES: Record<string, [code: number, status: string, message: string]> = {
  INVALID_ARGUMENT: [400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  PERMISSION_DENIED: [403, 'PERMISSION_DENIED', 'The caller does not have permission.'],
  RESOURCE_EXHAUSTED: [429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  PREPAID: [429, 'RESOURCE_EXHAUSTED', 'Your prepayment credits are depleted.'],
  INTERNAL: [500, 'INTERNAL', 'An internal error has occurred.'],
  UNAVAILABLE: [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  DEADLINE_EXCEEDED: [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

function failureReply(failure: string, streaming: boolean): UpstreamReply {
  const [code, status, message] = FAILURES[failure] ?? (FAILURES.INTERNAL as [number, string, string]);
  if (failure !== 'MID_STREAM' || !streaming) return rpcError(code, status, message);
  const text = {
    candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'Partial' }] } }],
    responseId: 'mid',
  };
  const error = { error: { code, message, status } };
  return {
    headers: { 'content-type': 'text/event-stream' },
    body: `data: ${JSON.stringify(text)}\r\n\r\ndata: ${JSON.stringify(error)}\r\n\r\n`,
  };
}

function slowStream(model: string): UpstreamReply {
  return {
    write: async (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < 400 && !response.destroyed; i++) {
        const part = { text: ` word${i}` };
        const event = {
          candidates: [{ index: 0, content: { role: 'model', parts: [part] } }],
          modelVersion: model,
        };
        response.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      response.end();
    },
  };
}

function candidateFor(body: GeminiGenerateContentRequest, index: number): FakeCandidate {
  const config = body.generationConfig ?? {};
  const lastUser = [...body.contents].reverse().find((content) => content.role === 'user');
  const userText = lastUserText(body);
  const call = functionToCall(body);
  const parts: GeminiPart[] = [];
  let thoughtTokens = 0;
  if (config.thinkingConfig?.includeThoughts) {
    const thought = `Thinking about: ${userText || 'the request'}`;
    thoughtTokens = words(thought);
    parts.push({ text: thought, thought: true });
  }
  if (call) {
    parts.push({
      functionCall: {
        name: call.name,
        args: (call.parameters ? valueFor(call.parameters) : {}) as Record<string, unknown>,
      },
      thoughtSignature: `fake-signature-${index}`,
    });
    return { index, parts, finishReason: 'STOP', outputTokens: 1, thoughtTokens };
  }
  let text: string;
  if (config.responseMimeType === 'application/json') {
    text = JSON.stringify(config.responseSchema ? valueFor(config.responseSchema) : { echo: userText });
  } else {
    const results =
      lastUser?.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse] : [])) ?? [];
    text =
      results.length > 0
        ? `Results: ${results.map((result) => JSON.stringify(result.response)).join('; ')}`
        : `Echo: ${userText}`;
  }
  let finishReason = 'STOP';
  for (const stop of config.stopSequences ?? []) {
    const at = text.indexOf(stop);
    if (at >= 0) text = text.slice(0, at);
  }
  const limit = config.maxOutputTokens;
  if (limit !== undefined && words(text) > limit) {
    text = text.split(' ').slice(0, limit).join(' ');
    finishReason = 'MAX_TOKENS';
  }
  // Several parts, so a stream has several content deltas.
  const pieces = text.split(' ').map((word, i) => (i === 0 ? word : ` ${word}`));
  for (const piece of pieces) parts.push({ text: piece });
  const candidate: FakeCandidate = { index, parts, finishReason, outputTokens: words(text), thoughtTokens };
  if (config.responseLogprobs) {
    candidate.logprobsResult = {
      chosenCandidates: pieces.map((token) => ({ token, logProbability: -0.5 })),
      topCandidates: pieces.map(() => ({
        candidates: Array.from({ length: config.logprobs ?? 0 }, (_, k) => ({
          token: `alt${k}`,
          logProbability: -1 - k,
        })),
      })),
    };
  }
  return candidate;
}

function functionToCall(body: GeminiGenerateContentRequest): GeminiFunctionDeclaration | undefined {
  const declarations = body.tools?.flatMap((tool) => tool.functionDeclarations) ?? [];
  const config = body.toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'AUTO';
  if (declarations.length === 0 || mode === 'NONE') return undefined;
  const allowed = config?.allowedFunctionNames;
  const candidates = allowed
    ? declarations.filter((declaration) => allowed.includes(declaration.name))
    : declarations;
  const last = body.contents.at(-1);
  const answered = last?.parts.some((part) => part.functionResponse) ?? false;
  if (mode === 'ANY' || !answered) return candidates[0];
  return undefined;
}

/** The simplest value that satisfies a Gemini schema. */
function valueFor(schema: GeminiSchema): unknown {
  if (schema.anyOf?.[0]) return valueFor(schema.anyOf[0]);
  switch (schema.type) {
    case 'OBJECT': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        value[name] = valueFor(property);
      return value;
    }
    case 'ARRAY':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        valueFor(schema.items ?? { type: 'STRING' }),
      );
    case 'INTEGER':
      return Math.max(1, Math.ceil(schema.minimum ?? 1));
    case 'NUMBER':
      return Math.max(1.5, schema.minimum ?? 1.5);
    case 'BOOLEAN':
      return true;
    case 'NULL':
      return null;
    default:
      return schema.enum?.[0] ?? 'x'.repeat(Math.max(4, schema.minLength ?? 4));
  }
}

function countWords(contents: GeminiContent[]): number {
  return contents.reduce(
    (sum, content) =>
      sum + content.parts.reduce((inner, part) => inner + (part.text ? words(part.text) : 1), 0),
    0,
  );
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function json(value: unknown): UpstreamReply {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function rpcError(code: number, status: string, message: string, reason?: string): UpstreamReply {
  const details = reason
    ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com' }]
    : [];
  return { status: code, ...json({ error: { code, message, status, details } }) };
}
