import {
  type AssistantMessage,
  type ChatCompletion,
  type ChatCompletionRequest,
  type ChatMessage,
  ProtocolError,
  type Tool,
  type ToolCall,
} from '@switchyard/protocol';
import type { RequestIdentified } from './api-promise.js';
import type { ChatCompletions, Client } from './client.js';
import { ClientErrorCode, clientErrorInit, type ErrorClass, hasCode } from './client-error-codes.js';
import type { RequestOptions } from './send-request.js';
import {
  type InferOutput,
  isStrictCompatible,
  type StructuredSchema,
  toJSONSchema,
  validate,
} from './standard-schema.js';
import type { ToolResult, ToolRunEvent, ToolRunResult, ToolRunStep } from './tool-run-result.js';
import { ToolRunStream } from './tool-run-stream.js';

/** What a tool's `run` receives besides its arguments. */
export interface ToolContext {
  /** The call being answered. */
  toolCall: ToolCall;
  /** The index of the step that requested the call. */
  step: number;
  /** The signal of the run: pass it on to stop work when the run is aborted. */
  signal: AbortSignal | undefined;
}

/** A function the model may call, with a schema for its arguments and the code that runs it. */
export interface RunnableTool<S extends StructuredSchema = StructuredSchema> {
  name: string;
  description?: string;
  /** The schema of the arguments (a zod object schema, or any Standard JSON Schema). */
  parameters: S;
  /** OpenAI strict mode for the arguments; on by default when the schema allows it. */
  strict?: boolean;
  /**
   * Runs the tool with validated arguments. A string result is sent to the model as is; any
   * other value as JSON. A thrown error is sent back as `{"error": message}` for the model to
   * handle; it does not end the run.
   */
  run(args: InferOutput<S>, context: ToolContext): unknown;
}

/** The run needed more model calls than `maxSteps`; `steps` holds the ones made. */
export class MaxStepsExceededError extends ProtocolError {
  static override readonly errorName: string = 'MaxStepsExceededError';
  readonly steps: ToolRunStep[];

  constructor(maxSteps: number, steps: ToolRunStep[], requestId: string | null) {
    super(
      clientErrorInit({
        message: `The model still requested tools after ${maxSteps} steps (maxSteps).`,
        code: ClientErrorCode.maxStepsExceeded,
        requestId,
      }),
    );
    this.steps = steps;
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.maxStepsExceeded);
  }
}

/** The model called a tool that does not exist, or with arguments that do not fit its schema. */
export class ToolCallError extends ProtocolError {
  static override readonly errorName: string = 'ToolCallError';
  constructor(message: string) {
    super(clientErrorInit({ message, code: ClientErrorCode.invalidToolCall, requestId: null }));
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.invalidToolCall);
  }
}

/** The parameters of `runTools()`: a chat request whose tools the client runs. */
export interface RunToolsParams<Schemas extends readonly StructuredSchema[]>
  extends Omit<ChatCompletionRequest, 'tools' | 'stream'> {
  tools: { [K in keyof Schemas]: RunnableTool<Schemas[K]> };
  /** Most model calls before the run fails with a `MaxStepsExceededError` (default 10). */
  maxSteps?: number;
  /** Streams each model call; `runTools` then returns a {@link ToolRunStream}. */
  stream?: boolean;
  /** Aborts the run: the current model call, and the tools through their context. */
  signal?: AbortSignal;
  /** Called after each step, before the next model call. */
  onStep?: (step: ToolRunStep) => void | Promise<void>;
}

/**
 * Lets the model call tools until it answers. Each step is one model call; the tool calls it
 * makes run in parallel, and their results (or errors) go back to the model. Invalid arguments,
 * unknown tools and errors thrown by `run` are reported to the model as tool results, not
 * thrown. With `stream: true` it returns a {@link ToolRunStream} of chunks and steps at once.
 *
 * @throws {MaxStepsExceededError} the model still called tools at `maxSteps`.
 * @example
 * ```ts
 * const { text, steps } = await runTools(client, {
 *   model,
 *   messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
 *   tools: [
 *     {
 *       name: 'get_weather',
 *       description: 'Current weather of a city',
 *       parameters: z.object({ city: z.string() }),
 *       run: async ({ city }) => fetchWeather(city),
 *     },
 *   ],
 * });
 * ```
 */
export function runTools<const Schemas extends readonly StructuredSchema[]>(
  client: Client,
  params: RunToolsParams<Schemas> & { stream: true },
  options?: RequestOptions,
): ToolRunStream;
export function runTools<const Schemas extends readonly StructuredSchema[]>(
  client: Client,
  params: RunToolsParams<Schemas> & { stream?: false },
  options?: RequestOptions,
): Promise<ToolRunResult>;
export function runTools(
  client: Client,
  params: RunToolsParams<readonly StructuredSchema[]>,
  options: RequestOptions = {},
): ToolRunStream | Promise<ToolRunResult> {
  const completions = client.chat.completions;
  if (!params.stream)
    return drain(toolLoop(completions, params, options, params.signal ?? options.signal ?? undefined));
  const controller = new AbortController();
  const signals = [params.signal, options.signal, controller.signal].filter((signal) => signal != null);
  return new ToolRunStream(toolLoop(completions, params, options, AbortSignal.any(signals)), controller);
}

/**
 * The tool loop: model call, then the requested tools in parallel, then their results back to
 * the model, until it answers without calling tools. Yields chunks (when streaming) and steps.
 */
async function* toolLoop(
  completions: ChatCompletions,
  params: RunToolsParams<readonly StructuredSchema[]>,
  options: RequestOptions,
  signal: AbortSignal | undefined,
): AsyncGenerator<ToolRunEvent, ToolRunResult, undefined> {
  const { tools, maxSteps = 10, stream, signal: _, onStep, ...request } = params;
  const byName = new Map<string, RunnableTool>(tools.map((tool) => [tool.name, tool]));
  const wireTools = tools.map((tool, i) => toWireTool(tool, `tools[${i}].parameters`));
  const messages: ChatMessage[] = [...request.messages];
  const steps: ToolRunStep[] = [];
  const callOptions = { ...options, signal };
  for (let index = 0; ; index++) {
    const body = { ...request, messages, tools: wireTools };
    let completion: ChatCompletion & RequestIdentified;
    if (stream) {
      const chunks = await completions.create({ ...body, stream: true }, callOptions);
      for await (const chunk of chunks) yield { type: 'chunk', step: index, chunk };
      completion = await chunks.finalCompletion();
    } else {
      completion = await completions.create(body, callOptions);
    }
    const message = completion.choices[0]?.message;
    const toolCalls = message?.tool_calls ?? [];
    messages.push(toAssistantParam(message));
    const step: ToolRunStep = { index, completion, toolResults: [] };
    if (toolCalls.length > 0) {
      if (index + 1 >= maxSteps)
        throw new MaxStepsExceededError(maxSteps, [...steps, step], completion._requestId);
      step.toolResults = await Promise.all(
        toolCalls.map((toolCall) => callTool(byName, toolCall, { toolCall, step: index, signal })),
      );
      for (const result of step.toolResults) {
        messages.push({ role: 'tool', tool_call_id: result.toolCall.id, content: result.content });
      }
    }
    steps.push(step);
    await onStep?.(step);
    yield { type: 'step', step };
    if (toolCalls.length === 0) {
      return { completion, text: message?.content ?? '', steps, messages, usage: sumUsage(steps) };
    }
  }
}

function toWireTool(tool: RunnableTool, param: string): Tool {
  const parameters = toJSONSchema(tool.parameters, param);
  const fn: Tool['function'] = {
    name: tool.name,
    parameters,
    strict: tool.strict ?? isStrictCompatible(parameters),
  };
  if (tool.description) fn.description = tool.description;
  return { type: 'function', function: fn };
}

function toAssistantParam(message: AssistantMessage | undefined): ChatMessage {
  const param: ChatMessage = { role: 'assistant', content: message?.content ?? null };
  if (message?.tool_calls?.length) param.tool_calls = message.tool_calls;
  // DeepSeek and GLM reject a tool turn whose reasoning is not replayed.
  if (message?.reasoning_content) param.reasoning_content = message.reasoning_content;
  return param;
}

async function callTool(
  byName: Map<string, RunnableTool>,
  toolCall: ToolCall,
  context: ToolContext,
): Promise<ToolResult> {
  const result: ToolResult = { toolCall, args: undefined, output: undefined, error: undefined, content: '' };
  const { name, arguments: json } = toolCall.function;
  try {
    const tool = byName.get(name);
    if (!tool) {
      throw new ToolCallError(`Unknown tool "${name}"; the tools are: ${[...byName.keys()].join(', ')}.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(json || '{}');
    } catch (error) {
      throw new ToolCallError(`The arguments of "${name}" are not valid JSON (${(error as Error).message}).`);
    }
    const validation = await validate(tool.parameters, raw);
    if (!validation.ok) {
      const issues = validation.issues
        .map((issue) => `${issue.path || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new ToolCallError(`Invalid arguments for "${name}": ${issues}`);
    }
    result.args = validation.value;
    const output = await tool.run(validation.value, context);
    result.output = output;
    result.content = typeof output === 'string' ? output : (JSON.stringify(output) ?? '');
  } catch (error) {
    result.error = error;
    result.content = JSON.stringify({ error: error instanceof Error ? error.message : String(error) });
  }
  return result;
}

function sumUsage(steps: ToolRunStep[]): ToolRunResult['usage'] {
  const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const { completion } of steps) {
    usage.prompt_tokens += completion.usage?.prompt_tokens ?? 0;
    usage.completion_tokens += completion.usage?.completion_tokens ?? 0;
    usage.total_tokens += completion.usage?.total_tokens ?? 0;
  }
  return usage;
}

async function drain<R>(loop: AsyncGenerator<unknown, R, undefined>): Promise<R> {
  while (true) {
    const next = await loop.next();
    if (next.done) return next.value;
  }
}
