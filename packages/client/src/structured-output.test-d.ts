import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createClient, parse } from './index.js';

const client = createClient({ baseURL: 'http://localhost:8787/v1' });
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('parse', () => {
  it('types parsed as the output of the schema', async () => {
    const Recipe = z.object({
      title: z.string(),
      steps: z.array(z.object({ text: z.string(), minutes: z.number() })),
      vegan: z.boolean().nullable(),
      servings: z.string().transform(Number),
    });

    const result = await parse(client, { model: 'm', messages, responseFormat: Recipe });

    expectTypeOf(result.parsed).toEqualTypeOf<{
      title: string;
      steps: { text: string; minutes: number }[];
      vegan: boolean | null;
      servings: number;
    }>();
    expectTypeOf(result._requestId).toEqualTypeOf<string | null>();
    expectTypeOf(result.choices[0]?.message.content).toEqualTypeOf<string | null | undefined>();
  });

  it('keeps parsed typed through withResponse()', async () => {
    const { data } = await parse(client, {
      model: 'm',
      messages,
      responseFormat: z.object({ n: z.number() }),
    }).withResponse();
    expectTypeOf(data.parsed).toEqualTypeOf<{ n: number }>();
  });

  it('requires a schema and does not take a wire response_format', () => {
    // @ts-expect-error: responseFormat is required.
    void parse(client, { model: 'm', messages });
    void parse(client, {
      model: 'm',
      messages,
      responseFormat: z.object({}),
      // @ts-expect-error: the wire response_format is built from the schema.
      response_format: { type: 'json_object' },
    });
    // @ts-expect-error: a plain object is not a schema.
    void parse(client, { model: 'm', messages, responseFormat: { type: 'object' } });
  });
});
