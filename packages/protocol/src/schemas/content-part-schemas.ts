import { z } from 'zod';

export const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

export const ImageUrlPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1, { error: '{param} must be an http(s) or data: URL' }),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

export const InputAudioPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.enum(['wav', 'mp3']) }),
});

export const FilePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z
    .looseObject({
      file_data: z.string().optional(),
      file_id: z.string().optional(),
      filename: z.string().optional(),
    })
    .refine((file) => file.file_data !== undefined || file.file_id !== undefined, {
      error: '{param} needs file_data or file_id',
    }),
});

export const RefusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

export const UserContentPartSchema = z.discriminatedUnion('type', [
  TextPartSchema,
  ImageUrlPartSchema,
  InputAudioPartSchema,
  FilePartSchema,
]);

export const AssistantContentPartSchema = z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema]);

const NO_PARTS = '{param} must contain at least one content part';

/** `content` of system, developer and tool messages: a string or at least one text part. */
export const TextContentSchema = z.union([z.string(), z.array(TextPartSchema).min(1, { error: NO_PARTS })]);

/** `content` of user messages: a string or at least one text, image, audio or file part. */
export const UserContentSchema = z.union([
  z.string(),
  z.array(UserContentPartSchema).min(1, { error: NO_PARTS }),
]);

/** `content` of assistant messages: a string, text/refusal parts, or null (with tool calls). */
export const AssistantContentSchema = z.union([z.string(), z.array(AssistantContentPartSchema)]).nullish();
