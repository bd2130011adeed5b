import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatCompletionRequestJSONSchema, createOpenAPIDocument } from './create-openapi-document.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../schemas/__fixtures__/${name}`, import.meta.url), 'utf8'));

const TOKEN360_EXAMPLE = {
  model: 'glm-5.1',
  messages: [{ role: 'user', content: 'Reply with the exact text: Hello from Token360.' }],
  temperature: 0.1,
  max_tokens: 20,
};
const TOKEN360_RESPONSE = {
  id: 'your-chat-completion-id',
  object: 'chat.completion',
  created: 1776351874,
  model: 'glm-5.1',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello from Token360.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 57, completion_tokens: 7, total_tokens: 64 },
};

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') out.push(child);
      else refsOf(child, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/** Validates against a component schema of the document with a real JSON Schema 2020-12 validator. */
function validator(doc: ReturnType<typeof createOpenAPIDocument>) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  return (component: string, value: unknown) => {
    const validate = ajv.getSchema(`doc#/components/schemas/${component}`);
    if (!validate) throw new Error(`no schema ${component}`);
    return validate(value) ? [] : (validate.errors ?? []);
  };
}

describe('createOpenAPIDocument', () => {
  const doc = createOpenAPIDocument();

  it('describes the chat, models and model routes with JSON, SSE and error responses', () => {
    expect(doc.openapi).toBe('3.1.0');
    const chat = '#/paths/~1v1~1chat~1completions/post';
    expect(resolvePointer(doc, `${chat}/requestBody/content/application~1json/schema`)).toEqual({
      $ref: '#/components/schemas/ChatCompletionRequest',
    });
    expect(Object.keys(resolvePointer(doc, `${chat}/responses/200/content`) as object)).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    expect(Object.keys(resolvePointer(doc, `${chat}/responses`) as object)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '429', '500']),
    );
    expect(doc.paths['/v1/models']).toHaveProperty('get');
    expect(doc.paths['/v1/models/{id}']).toHaveProperty('get.parameters.0.name', 'id');
  });

  it('documents request fields', () => {
    expect(
      resolvePointer(doc, '#/components/schemas/ChatCompletionRequest/properties/temperature'),
    ).toMatchObject({
      description: expect.stringContaining('0–2'),
    });
  });

  it('has no dangling $ref', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) expect(resolvePointer(doc, ref), ref).toBeTypeOf('object');
  });

  it('has component schemas that accept real traffic', () => {
    const check = validator(doc);
    expect(check('ChatCompletionRequest', TOKEN360_EXAMPLE)).toEqual([]);
    expect(check('ChatCompletion', TOKEN360_RESPONSE)).toEqual([]);
    for (const name of [
      'openai-text.json',
      'deepseek-tool-call.json',
      'deepseek-json.json',
      'groq-reasoning.json',
    ]) {
      expect(check('ChatCompletion', fixture(name)), name).toEqual([]);
    }
    expect(check('ErrorEnvelope', { error: { message: 'x', type: 't', param: null, code: null } })).toEqual(
      [],
    );
    expect(
      check('ModelList', {
        object: 'list',
        data: [{ id: 'glm-5.1', object: 'model', created: 1, owned_by: 'z' }],
      }),
    ).toEqual([]);
  });

  it('has component schemas that reject what the zod schemas reject', () => {
    const check = validator(doc);
    expect(check('ChatCompletionRequest', { ...TOKEN360_EXAMPLE, temperature: 3 })).not.toEqual([]);
    expect(
      check('ChatCompletionRequest', { ...TOKEN360_EXAMPLE, messages: [{ role: 'bot', content: 'x' }] }),
    ).not.toEqual([]);
    expect(check('ChatCompletion', { ...TOKEN360_RESPONSE, choices: 'none' })).not.toEqual([]);
  });

  it('adds extra paths and zod schemas for the gateway', () => {
    const UsageReport = z.object({ total_cost: z.number() });
    const extended = createOpenAPIDocument({
      title: 'Gateway',
      servers: [{ url: 'http://127.0.0.1:8080' }],
      schemas: { UsageReport },
      paths: {
        '/v1/usage': {
          get: {
            responses: {
              '200': {
                description: 'Usage',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/UsageReport' } } },
              },
              '401': { $ref: '#/components/responses/Unauthorized' },
            },
          },
        },
      },
    });
    expect(extended.info.title).toBe('Gateway');
    expect(Object.keys(extended.paths)).toContain('/v1/usage');
    expect(Object.keys(extended.paths)).toContain('/v1/chat/completions');
    for (const ref of new Set(refsOf(extended)))
      expect(resolvePointer(extended, ref), ref).toBeTypeOf('object');
    expect(validator(extended)('UsageReport', { total_cost: 1.5 })).toEqual([]);
  });

  it('returns a fresh document on every call', () => {
    const a = createOpenAPIDocument();
    (a.components.responses.BadRequest as Record<string, unknown>).description = 'changed';
    expect(createOpenAPIDocument().components.responses.BadRequest).not.toHaveProperty(
      'description',
      'changed',
    );
  });
});

describe('chatCompletionRequestJSONSchema', () => {
  it('is a standalone JSON Schema that accepts the Token360 example', () => {
    const schema = chatCompletionRequestJSONSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(TOKEN360_EXAMPLE)).toBe(true);
    expect(validate({ model: 'm' })).toBe(false);
  });
});
