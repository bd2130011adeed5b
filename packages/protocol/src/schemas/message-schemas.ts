import { z } from 'zod';
import { AssistantContentSchema, TextContentSchema, UserContentSchema } from './content-part-schemas.js';
import { describeValue, identifierName } from './request-fields.js';

/** A tool call on an assistant message of the conversation. */
export const RequestToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({
    name: identifierName(),
    arguments: z.string({
      error: (issue) =>
        issue.input !== undefined && typeof issue.input === 'object'
          ? `{param} must be a JSON string, not ${describeValue(issue.input)}: encode it with JSON.stringify`
          : undefined,
    }),
  }),
});

const name = z.string().optional();

export const DeveloperMessageSchema = z.looseObject({
  role: z.literal('developer'),
  content: TextContentSchema,
  name,
});

export const SystemMessageSchema = z.looseObject({
  role: z.literal('system'),
  content: TextContentSchema,
  name,
});

export const UserMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: UserContentSchema,
  name,
});

export const AssistantMessageParamSchema = z
  .looseObject({
    role: z.literal('assistant'),
    content: AssistantContentSchema,
    name,
    refusal: z.string().nullish(),
    /** Earlier reasoning, replayed for GLM preserved thinking and DeepSeek tool turns. */
    reasoning_content: z.string().nullish(),
    tool_calls: z.array(RequestToolCallSchema).nullish(),
    audio: z.looseObject({ id: z.string() }).nullish(),
    function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
  })
  .superRefine((message, ctx) => {
    if (message.content != null) return;
    if ((message.tool_calls?.length ?? 0) > 0 || message.function_call != null) return;
    ctx.addIssue({
      code: 'custom',
      path: ['content'],
      input: message.content,
      message:
        message.content === null
          ? '{param} may be null only when the assistant message has tool_calls'
          : '{param} is required for assistant messages without tool_calls',
    });
  });

export const ToolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  content: TextContentSchema,
  tool_call_id: z.string({
    error: (issue) => (issue.input === undefined ? '{param} is required for tool messages' : undefined),
  }),
});

/** Roles a request message may have, in the order error messages list them. */
export const MESSAGE_ROLES = ['developer', 'system', 'user', 'assistant', 'tool'] as const;

/** One message of the conversation; `role` picks the shape. */
export const ChatMessageSchema = z.discriminatedUnion('role', [
  DeveloperMessageSchema,
  SystemMessageSchema,
  UserMessageSchema,
  AssistantMessageParamSchema,
  ToolMessageSchema,
]);
