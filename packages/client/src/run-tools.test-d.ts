import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createClient, runTools, type ToolContext, type ToolRunResult, type ToolRunStream } from './index.js';

const client = createClient({ baseURL: 'http://localhost:8787/v1' });
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('runTools', () => {
  it('infers the arguments of each tool from its own schema', () => {
    void runTools(client, {
      model: 'm',
      messages,
      tools: [
        {
          name: 'get_weather',
          parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).nullable() }),
          run: (args, context) => {
            expectTypeOf(args).toEqualTypeOf<{ city: string; unit: 'c' | 'f' | null }>();
            expectTypeOf(context).toEqualTypeOf<ToolContext>();
            return args.city;
          },
        },
        {
          name: 'add',
          parameters: z.object({ a: z.number(), b: z.number() }),
          run: (args) => {
            expectTypeOf(args).toEqualTypeOf<{ a: number; b: number }>();
            // @ts-expect-error: `city` belongs to the other tool.
            void args.city;
            return args.a + args.b;
          },
        },
      ],
    });
  });

  it('returns a promise of the result, or a stream with stream: true', () => {
    const tools = [{ name: 'noop', parameters: z.object({}), run: () => null }];
    expectTypeOf(runTools(client, { model: 'm', messages, tools })).toEqualTypeOf<Promise<ToolRunResult>>();
    expectTypeOf(
      runTools(client, { model: 'm', messages, tools, stream: true }),
    ).toEqualTypeOf<ToolRunStream>();
  });

  it('rejects tools without a schema', () => {
    // @ts-expect-error: parameters must be a schema.
    void runTools(client, { model: 'm', messages, tools: [{ name: 'x', parameters: {}, run: () => 1 }] });
  });
});
