import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completion, type LocalServer, sendJSON, startServer } from '../test/support/local-server.js';
import {
  BadRequestError,
  ContentFilterError,
  createClient,
  LengthFinishReasonError,
  OutputError,
  OutputValidationError,
  ProtocolError,
  parse,
  RateLimitError,
  RefusalError,
} from './index.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const messages = [{ role: 'user' as const, content: 'Name a city.' }];
const City = z.object({
  city: z.string().describe('The city name'),
  population: z.number().int().nullable(),
});

async function failure(promise: PromiseLike<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error('expected the call to fail');
}

/** A server answering every request with the given assistant message and finish reason. */
async function answering(message: Record<string, unknown>, finishReason = 'stop') {
  return startServer((_req, res) =>
    sendJSON(res, 200, completion(message, finishReason), { 'x-request-id': 'req_p' }),
  );
}

describe('parse', () => {
  it('sends a strict json_schema response format built from the zod schema', async () => {
    server = await answering({ content: '{"city":"Paris","population":2102650}' });
    const client = createClient({ baseURL: server.baseURL });

    await parse(client, { model: 'm', messages, responseFormat: City });

    expect(server.requests[0]?.json).toStrictEqual({
      model: 'm',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'response',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              city: { type: 'string', description: 'The city name' },
              population: {
                anyOf: [
                  { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
                  { type: 'null' },
                ],
              },
            },
            required: ['city', 'population'],
            additionalProperties: false,
          },
        },
      },
    });
  });

  it('returns the completion with the validated value in parsed', async () => {
    server = await answering({ content: '{"city":"Paris","population":null}' });
    const client = createClient({ baseURL: server.baseURL });

    const result = await parse(client, { model: 'm', messages, responseFormat: City });

    expect(result.parsed).toStrictEqual({ city: 'Paris', population: null });
    expect(result.choices[0]?.message.content).toBe('{"city":"Paris","population":null}');
    expect(result._requestId).toBe('req_p');
  });

  it('applies the schema, defaults and transforms included', async () => {
    server = await answering({ content: '{"city":"  Paris  "}' });
    const client = createClient({ baseURL: server.baseURL });
    const Trimmed = z.object({ city: z.string().trim(), country: z.string().default('FR') });

    const { parsed } = await parse(client, { model: 'm', messages, responseFormat: Trimmed });

    expect(parsed).toStrictEqual({ city: 'Paris', country: 'FR' });
  });

  it('sends non-strict when the schema has optional fields, which strict mode rejects', async () => {
    server = await answering({ content: '{"city":"Paris"}' });
    const client = createClient({ baseURL: server.baseURL });

    await parse(client, {
      model: 'm',
      messages,
      responseFormat: z.object({ city: z.string(), note: z.string().optional() }),
    });

    expect(server.requests[0]?.json.response_format.json_schema.strict).toBe(false);
  });

  it('takes the schema name and an explicit strict setting', async () => {
    server = await answering({ content: '{"city":"Paris","population":1}' });
    const client = createClient({ baseURL: server.baseURL });

    await parse(client, {
      model: 'm',
      messages,
      responseFormat: City,
      responseFormatName: 'city_answer',
      strict: false,
    });

    const format = server.requests[0]?.json.response_format.json_schema;
    expect(format.name).toBe('city_answer');
    expect(format.strict).toBe(false);
  });

  it('works with withResponse()', async () => {
    server = await answering({ content: '{"city":"Oslo","population":1}' });
    const client = createClient({ baseURL: server.baseURL });

    const { data, requestId, response } = await parse(client, {
      model: 'm',
      messages,
      responseFormat: City,
    }).withResponse();

    expect(data.parsed.city).toBe('Oslo');
    expect(requestId).toBe('req_p');
    expect(response.ok).toBe(true);
  });

  it('throws a RefusalError when the model refuses', async () => {
    server = await answering({ content: null, refusal: "I'm sorry, I can't help with that." });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(RefusalError.isInstance(error)).toBe(true);
    expect(OutputError.isInstance(error)).toBe(true);
    expect(LengthFinishReasonError.isInstance(error)).toBe(false);
    expect(error.code).toBe('refusal');
    expect(error.requestId).toBe('req_p');
    expect((error as RefusalError).refusal).toBe("I'm sorry, I can't help with that.");
    expect((error as RefusalError).completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('throws a LengthFinishReasonError when the output was truncated', async () => {
    server = await answering({ content: '{"' }, 'length');
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(LengthFinishReasonError.isInstance(error)).toBe(true);
    expect(RefusalError.isInstance(error)).toBe(false);
    expect(error.code).toBe('output_truncated');
    expect(error.isRetryable).toBe(false);
  });

  it('throws a ContentFilterError when the content filter stopped the output', async () => {
    server = await answering({ content: '' }, 'content_filter');
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect(error.code).toBe('content_filter');
  });

  it('throws an OutputValidationError on invalid JSON, keeping the text', async () => {
    server = await answering({ content: 'Sure! {"city": "Paris"}' });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect(error.code).toBe('output_invalid');
    expect((error as OutputValidationError).text).toBe('Sure! {"city": "Paris"}');
    expect((error as OutputValidationError).issues[0]?.message).toMatch(/^Invalid JSON/);
  });

  it('throws an OutputValidationError naming the fields that do not match the schema', async () => {
    server = await answering({ content: '{"city":"Paris","population":"many"}' });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect((error as OutputValidationError).issues.map((issue) => issue.path)).toStrictEqual(['population']);
    expect(error.message).toMatch(/population/);
  });

  it('runs async refinements', async () => {
    server = await answering({ content: '{"city":"Atlantis","population":0}' });
    const client = createClient({ baseURL: server.baseURL });
    const Real = City.refine(async (value) => value.city !== 'Atlantis', { message: 'not a real city' });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: Real }));

    expect((error as OutputValidationError).issues[0]?.message).toBe('not a real city');
  });

  it('rejects a schema that cannot be described as JSON Schema, without sending anything', async () => {
    server = await answering({ content: '{}' });
    const client = createClient({ baseURL: server.baseURL });
    const Unrepresentable = z.object({ count: z.string().transform((value) => Number(value)) });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: Unrepresentable }));

    expect(BadRequestError.isInstance(error)).toBe(true);
    expect(error.param).toBe('responseFormat');
    expect(server.requests).toHaveLength(0);
  });

  it('retries HTTP failures like create(), but not bad output', async () => {
    server = await startServer((_req, res, { index }) => {
      if (index === 0) return sendJSON(res, 429, { error: { message: 'slow' } }, { 'retry-after-ms': '1' });
      sendJSON(res, 200, completion({ content: 'nope' }));
    });
    const client = createClient({ baseURL: server.baseURL });

    const error = await failure(parse(client, { model: 'm', messages, responseFormat: City }));

    expect(OutputValidationError.isInstance(error)).toBe(true);
    expect(RateLimitError.isInstance(error)).toBe(false);
    expect(server.requests).toHaveLength(2);
  });
});
