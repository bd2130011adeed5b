import type { AdapterCapabilities, ChatAdapter } from '@switchyard/adapter-kit';
import { ModelListSchema, ModelSchema, sleep } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAnswer, parseAnswer, readJsonAnswer } from './conformance-answer.js';
import {
  checkCompletion,
  checkStream,
  PERSON_SCHEMA,
  TIME_TOOL,
  user,
  WEATHER_TOOL,
} from './conformance-checks.js';
import {
  collectStream,
  comparable,
  postChat,
  readErrorEnvelope,
  schemaErrors,
} from './conformance-client.js';
import type { ConformanceUpstream } from './conformance-upstream.js';
import { registerUpstreamChecks } from './conformance-upstream-checks.js';
import { AdapterObserver } from './observe-adapter.js';
import { startTestServer, type TestServer } from './start-test-server.js';

/** A failure the adapter's backend can be made to produce, and how the server must report it. */
export interface ConformanceErrorCase {
  readonly name: string;
  /** Request fields merged over a plain request (e.g. messages that make the backend fail). */
  readonly request: Record<string, unknown>;
  /** HTTP status of the error answer (for `mid-stream` cases: of the non-stream request). */
  readonly status: number;
  readonly code: string;
  /**
   * `before-first-chunk` (default): both modes get a real HTTP error. `mid-stream`: a stream
   * gets 200, some chunks, then one error event with `code`.
   */
  readonly when?: 'before-first-chunk' | 'mid-stream';
}

/** How long the adapter's signal may take to fire after the client disconnects. */
const ABORT_CEILING_MS = 2_000;

/** Options of {@link runConformanceSuite}. */
export interface ConformanceSuiteOptions {
  /** Name of the `describe` block. */
  readonly name: string;
  /**
   * Builds the adapter under test, once per suite. May be async (e.g. to start a recorded
   * upstream first); then pass `capabilities`, which the kit needs when it registers the tests.
   */
  createAdapter(): ChatAdapter | Promise<ChatAdapter>;
  /** Models to run the suite against (default: the first model the adapter lists). */
  readonly models?: readonly string[];
  /** What to test; defaults to `adapter.capabilities`. Unclaimed capabilities are skipped. */
  readonly capabilities?: AdapterCapabilities;
  /**
   * Request fields that make the answer long enough to disconnect in the middle of it (for the
   * abort test). Default: a 2000-word essay with `max_tokens: 4000`.
   */
  readonly slowRequest?: Record<string, unknown>;
  /**
   * Whether usage breaks out `completion_tokens_details.reasoning_tokens` for a thinking answer
   * (default true). Pass false for a backend whose usage does not (Anthropic's counts thinking in
   * the output tokens): the thinking test then checks the field is absent rather than invented.
   */
  readonly reportsReasoningTokens?: boolean;
  /** Failures to provoke; without any, error mapping is checked on server-side errors only. */
  readonly errorCases?: readonly ConformanceErrorCase[];
  /** Per-test timeout in ms (default 30 000). */
  readonly timeoutMs?: number;
  /**
   * How to point the adapter at a test upstream the kit plays, for the checks a well-behaved
   * backend cannot provoke: timeouts, a client that leaves (the upstream socket must close), a
   * stream cut mid-way, error answers with retry hints, an error that echoes the API key, and
   * request fields that must be sent on or rejected. Omit it only for an adapter with no upstream
   * (the simulator); the skipped checks are then listed.
   */
  readonly upstream?: ConformanceUpstream;
}

/**
 * Registers a vitest suite that runs an adapter through the real server over real HTTP on
 * loopback and checks it against the protocol: model list, response and chunk shapes, stream
 * framing, usage, stop reasons, `max_tokens`, `stop`, tools, `json_schema`, thinking, `n`, error
 * mapping and abort propagation. Capabilities the adapter does not claim are skipped, with the
 * reason in the test name.
 *
 * @example
 * ```ts
 * // my-adapter.conformance.test.ts
 * import { runConformanceSuite } from '@switchyard/server-kit/testing';
 * runConformanceSuite({ name: 'my adapter', createAdapter: () => createMyAdapter({ baseURL }) });
 * ```
 */
export function runConformanceSuite(options: ConformanceSuiteOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  // Which tests run or skip is decided when they are registered, so capabilities must be known now.
  let created: ChatAdapter | Promise<ChatAdapter> | undefined;
  let capabilities = options.capabilities;
  if (capabilities === undefined) {
    created = options.createAdapter();
    if (created instanceof Promise) {
      throw new TypeError('runConformanceSuite: pass `capabilities` when createAdapter is async');
    }
    capabilities = created.capabilities ?? {};
  }
  const claimed = capabilities;
  describe(`conformance: ${options.name}`, () => {
    const observed = new AdapterObserver();
    let test: TestServer;
    let listed: string[] = [];
    beforeAll(async () => {
      const adapter = await (created ?? options.createAdapter());
      observed.wrap(adapter);
      test = await startTestServer({ adapters: [observed.adapter] });
      listed = (await adapter.listModels({ signal: new AbortController().signal })).map((model) => model.id);
    }, timeout);
    afterAll(async () => {
      await test?.close();
    });

    it(
      'lists its models in the wire shape of GET /v1/models and /v1/models/:id',
      async () => {
        const { json, answer } = await readJsonAnswer(await fetch(`${test.url}/v1/models`));
        const list = parseAnswer(ModelListSchema, json, 'the model list', answer);
        expect(list.object).toBe('list');
        expect(list.data.length).toBeGreaterThan(0);
        for (const model of list.data) {
          expect(model.object).toBe('model');
          const one = await readJsonAnswer(
            await fetch(`${test.url}/v1/models/${encodeURIComponent(model.id)}`),
          );
          expect(parseAnswer(ModelSchema, one.json, `model ${model.id}`, one.answer).id).toBe(model.id);
        }
      },
      timeout,
    );

    const models = options.models ?? [undefined];
    for (const fixedModel of models) {
      const label = fixedModel ?? 'first listed model';
      describe(label, () => {
        const model = () => fixedModel ?? (listed[0] as string);
        const request = (extra: Record<string, unknown> = {}) => ({
          model: model(),
          messages: user('Say hello to the conformance suite in one short sentence.'),
          ...extra,
        });
        const claim = (capability: keyof AdapterCapabilities, name: string, fn: () => Promise<void>) => {
          if (claimed[capability] === true) it(name, fn, timeout);
          else it.skip(`${name} (skipped: capability '${capability}' not claimed)`, fn);
        };

        it(
          'answers a non-stream request with a valid completion and usage',
          async () => {
            const res = await postChat(test.url, request());
            expect(res.status).toBe(200);
            expect(res.headers.get('x-request-id')).toBeTruthy();
            const completion = await checkCompletion(res);
            expect(completion.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
            expect(typeof completion.choices[0]?.message.content).toBe('string');
          },
          timeout,
        );

        it(
          'streams valid chunks: role first, one id, finish_reason, [DONE], no usage unless asked',
          async () => {
            const stream = await collectStream(await postChat(test.url, request({ stream: true })));
            const completion = checkStream(stream, { includeUsage: false });
            expect(completion.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
          },
          timeout,
        );

        it(
          'sends usage in one final chunk with stream_options.include_usage',
          async () => {
            const stream = await collectStream(
              await postChat(test.url, request({ stream: true, stream_options: { include_usage: true } })),
            );
            checkStream(stream, { includeUsage: true });
          },
          timeout,
        );

        claim('deterministic', 'accumulated stream equals the non-stream answer', async () => {
          // No seed or other hidden parameter: claiming `deterministic` means the plain request repeats.
          const body = request();
          const whole = await checkCompletion(await postChat(test.url, body));
          const stream = await collectStream(
            await postChat(test.url, { ...body, stream: true, stream_options: { include_usage: true } }),
          );
          expect(comparable(checkStream(stream, { includeUsage: true }))).toStrictEqual(comparable(whole));
        });

        it('honours max_tokens: finish_reason length and no more completion tokens', async () => {
          const body = request({
            max_tokens: 5,
            messages: user('Count from one to one hundred in words, separated by spaces.'),
          });
          const completion = await checkCompletion(await postChat(test.url, body));
          expect(completion.choices[0]?.finish_reason).toBe('length');
          expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(5);
          const stream = checkStream(
            await collectStream(await postChat(test.url, { ...body, stream: true })),
            {
              includeUsage: false,
            },
          );
          expect(stream.choices[0]?.finish_reason).toBe('length');
        });

        claim('stop', 'stops before a stop sequence with finish_reason stop', async () => {
          const body = request({
            stop: [' six'],
            messages: user('Repeat exactly: one two three four five six seven eight nine ten'),
          });
          for (const stream of [false, true]) {
            const res = await postChat(test.url, { ...body, stream });
            const completion = stream
              ? checkStream(await collectStream(res), { includeUsage: false })
              : await checkCompletion(res);
            expect(completion.choices[0]?.message.content ?? '').not.toContain(' six');
            expect(completion.choices[0]?.finish_reason).toBe('stop');
          }
        });

        claim('tools', 'tool_choice required: a tool call whose arguments validate', async () => {
          const body = request({
            messages: user('What is the weather in Paris right now?'),
            tools: [WEATHER_TOOL],
            tool_choice: 'required',
          });
          for (const stream of [false, true]) {
            const res = await postChat(test.url, { ...body, stream });
            const completion = stream
              ? checkStream(await collectStream(res), { includeUsage: false })
              : await checkCompletion(res);
            const choice = completion.choices[0];
            expect(choice?.finish_reason).toBe('tool_calls');
            const call = choice?.message.tool_calls?.[0];
            expect(call?.function.name).toBe('get_weather');
            expect(call?.id).toBeTruthy();
            expect(
              schemaErrors(WEATHER_TOOL.function.parameters, JSON.parse(call?.function.arguments ?? '')),
            ).toBe('');
          }
        });

        claim('tools', 'a named tool_choice calls that function', async () => {
          const res = await postChat(
            test.url,
            request({
              messages: user('What time is it in Tokyo?'),
              tools: [WEATHER_TOOL, TIME_TOOL],
              tool_choice: { type: 'function', function: { name: 'get_time' } },
            }),
          );
          const calls = (await checkCompletion(res)).choices[0]?.message.tool_calls ?? [];
          expect(calls.map((call) => call.function.name)).toStrictEqual(['get_time']);
          expect(
            schemaErrors(TIME_TOOL.function.parameters, JSON.parse(calls[0]?.function.arguments ?? '')),
          ).toBe('');
        });

        claim('tools', 'tool_choice none: no tool call', async () => {
          const res = await postChat(
            test.url,
            request({
              messages: user('What is the weather in Paris?'),
              tools: [WEATHER_TOOL],
              tool_choice: 'none',
            }),
          );
          const choice = (await checkCompletion(res)).choices[0];
          expect(choice?.message.tool_calls ?? []).toStrictEqual([]);
          expect(choice?.finish_reason).not.toBe('tool_calls');
        });

        claim('tools', 'streams tool identity once per call, then argument fragments', async () => {
          const stream = await collectStream(
            await postChat(
              test.url,
              request({
                stream: true,
                messages: user('What is the weather in Paris right now?'),
                tools: [WEATHER_TOOL],
                tool_choice: 'required',
              }),
            ),
          );
          checkStream(stream, { includeUsage: false });
          const identities = new Map<string, number>();
          for (const chunk of stream.chunks) {
            for (const choice of chunk.choices) {
              for (const fragment of choice.delta.tool_calls ?? []) {
                if (fragment.id) {
                  const key = `${choice.index}:${fragment.index}`;
                  identities.set(key, (identities.get(key) ?? 0) + 1);
                  expect(fragment.type).toBe('function');
                  expect(fragment.function?.name).toBeTruthy();
                }
              }
            }
          }
          expect(
            [...identities.values()].every((count) => count === 1),
            'identity sent once',
          ).toBe(true);
          expect(identities.size).toBeGreaterThan(0);
        });

        claim('tools', 'uses tool results in the next turn', async () => {
          const res = await postChat(
            test.url,
            request({
              tools: [WEATHER_TOOL],
              messages: [
                { role: 'user', content: 'What is the weather in Paris? Answer in one sentence.' },
                {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'call_conformance_1',
                      type: 'function',
                      function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
                    },
                  ],
                },
                { role: 'tool', tool_call_id: 'call_conformance_1', content: '18 degrees celsius and sunny' },
              ],
            }),
          );
          const choice = (await checkCompletion(res)).choices[0];
          expect(choice?.finish_reason).toBe('stop');
          expect(choice?.message.content ?? '').toContain('18');
        });

        claim('jsonSchema', 'response_format json_schema: content validates against the schema', async () => {
          const body = request({
            messages: user('Invent a person.'),
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true },
            },
          });
          for (const stream of [false, true]) {
            const res = await postChat(test.url, { ...body, stream });
            const completion = stream
              ? checkStream(await collectStream(res), { includeUsage: false })
              : await checkCompletion(res);
            expect(
              schemaErrors(PERSON_SCHEMA, JSON.parse(completion.choices[0]?.message.content ?? '')),
            ).toBe('');
          }
        });

        claim('thinking', 'thinking enabled: reasoning_content arrives before the answer', async () => {
          const body = request({ thinking: { type: 'enabled' } });
          const completion = await checkCompletion(await postChat(test.url, body));
          expect(completion.choices[0]?.message.reasoning_content ?? '').not.toBe('');
          expect(completion.choices[0]?.message.content ?? '', 'the answer after the reasoning').not.toBe('');
          const reasoningTokens = completion.usage?.completion_tokens_details?.reasoning_tokens;
          if (options.reportsReasoningTokens === false) expect(reasoningTokens).toBeUndefined();
          else expect(reasoningTokens).toBeGreaterThan(0);
          const stream = await collectStream(await postChat(test.url, { ...body, stream: true }));
          checkStream(stream, { includeUsage: false });
          const deltas = stream.chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
          const firstReasoning = deltas.findIndex((delta) => (delta.reasoning_content ?? '') !== '');
          const firstContent = deltas.findIndex((delta) => (delta.content ?? '') !== '');
          expect(firstReasoning).toBeGreaterThanOrEqual(0);
          expect(firstContent, 'the answer streams after the reasoning').toBeGreaterThan(firstReasoning);
        });

        claim('multipleChoices', 'n: 2 returns two finished choices in both modes', async () => {
          const body = request({ n: 2 });
          const completion = await checkCompletion(await postChat(test.url, body));
          expect(completion.choices.map((choice) => choice.index).sort()).toStrictEqual([0, 1]);
          const streamed = checkStream(
            await collectStream(await postChat(test.url, { ...body, stream: true })),
            {
              includeUsage: false,
            },
          );
          expect(streamed.choices.map((choice) => choice.index)).toStrictEqual([0, 1]);
        });

        it(
          'maps an unknown model to 404 model_not_found and a bad field to 400 with its param',
          async () => {
            const missing = await postChat(test.url, request({ model: `${model()}-does-not-exist` }));
            const notFound = await readErrorEnvelope(missing);
            expect(notFound.status, notFound.answer).toBe(404);
            expect(notFound.code, notFound.answer).toBe('model_not_found');
            expect(notFound.requestId).toBe(missing.headers.get('x-request-id'));
            const bad = await readErrorEnvelope(await postChat(test.url, request({ temperature: 7 })));
            expect(bad.status, bad.answer).toBe(400);
            expect(bad.param, bad.answer).toBe('temperature');
          },
          timeout,
        );

        for (const errorCase of options.errorCases ?? []) {
          it(
            `maps backend failure '${errorCase.name}' to ${errorCase.status} ${errorCase.code}`,
            async () => {
              const whole = await postChat(test.url, request(errorCase.request));
              const envelope = await readErrorEnvelope(whole);
              expect(envelope.status, envelope.answer).toBe(errorCase.status);
              expect(envelope.code, envelope.answer).toBe(errorCase.code);
              expect(envelope.requestId).toBe(whole.headers.get('x-request-id'));
              const streamed = await postChat(test.url, request({ ...errorCase.request, stream: true }));
              if (errorCase.when === 'mid-stream') {
                const stream = await collectStream(streamed);
                expect(stream.status, describeAnswer(stream.status, stream.text)).toBe(200);
                expect(stream.done, 'no [DONE] after an error').toBe(false);
                expect(stream.trailing, 'nothing after the error event').toBe(false);
                expect(stream.errors.map((error) => error.code)).toStrictEqual([errorCase.code]);
              } else {
                const streamedEnvelope = await readErrorEnvelope(streamed);
                expect(streamedEnvelope.status, streamedEnvelope.answer).toBe(errorCase.status);
                expect(streamedEnvelope.code, streamedEnvelope.answer).toBe(errorCase.code);
              }
            },
            timeout,
          );
        }

        // Waits for the adapter's work to end, with a ceiling far above any scheduling delay on a
        // loaded machine: an adapter that ignores its signal (its promise settles, or its stream
        // ends, only when the answer is over) fails. With `upstream`, the kit also checks that the
        // upstream request itself is abandoned (see the upstream checks).
        it(`stops the adapter when the client disconnects mid-answer (its work ends within ${ABORT_CEILING_MS} ms)`, {
          timeout,
        }, async () => {
          const slow = options.slowRequest ?? {
            messages: user('Write a 2000-word essay about the history of railways.'),
            max_tokens: 4000,
          };
          const streaming = observed.supportsStream();
          const call = observed.nextCall();
          const controller = new AbortController();
          const pending = postChat(test.url, request({ ...slow, stream: streaming }), {
            signal: controller.signal,
          }).catch(() => undefined);
          await call.started;
          if (streaming) {
            // The server answers 200 with the first chunk: read it, so the disconnect is mid-stream.
            const res = await pending;
            await res?.body
              ?.getReader()
              .read()
              .catch(() => undefined);
          } else {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          expect(call.ended(), 'the answer must still be running: make slowRequest slower').toBe(false);
          const disconnectedAt = performance.now();
          controller.abort();
          const endedAt = await Promise.race([call.finished, sleep(ABORT_CEILING_MS).then(() => Number.NaN)]);
          expect(endedAt - disconnectedAt, 'ms from disconnect to the end of the adapter call').toBeLessThan(
            ABORT_CEILING_MS,
          );
          expect(
            await Promise.race([call.aborted.then(() => true), sleep(0).then(() => false)]),
            'its signal fired',
          ).toBe(true);
        });
      });
    }

    if (options.upstream) registerUpstreamChecks(options.upstream, timeout);
    else it.skip('against a misbehaving upstream (skipped: no `upstream` option)', () => {});
  });
}
