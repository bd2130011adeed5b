import type { AssistantMessageParam, ChatMessage, UserContentPart } from '@switchyard/protocol';
import type { GeminiContent, GeminiGenerateContentRequest, GeminiPart } from './gemini-api-types.js';
import { invalidRequest, unsupportedParameter } from './gemini-error.js';
import type { GeminiModelTraits } from './gemini-model-traits.js';
import { readThoughtSignature, SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './gemini-thought-signature.js';

export interface ConvertContentsOptions {
  readonly traits: GeminiModelTraits;
  /** Base URL of the Gemini API, to turn a `files/…` id into the file URI Gemini expects. */
  readonly baseURL: string;
}

type Prompt = Pick<GeminiGenerateContentRequest, 'contents' | 'systemInstruction'>;

/**
 * Chat messages → Gemini `systemInstruction` + `contents`.
 * - system and developer messages, wherever they are, are joined into `systemInstruction` in order
 *   (Gemma, which takes none, gets them at the start of the first user turn);
 * - assistant turns become `model` turns: reasoning as a `thought` part, text, then one
 *   `functionCall` per tool call, with thought signatures replayed;
 * - tool results become `functionResponse` parts, named after the function of the earlier call with
 *   the same id (Gemini matches results by name); consecutive results share one `user` turn.
 */
export function convertToGeminiContents(
  messages: readonly ChatMessage[],
  options: ConvertContentsOptions,
): Prompt {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  let toolTurn: GeminiContent | undefined;

  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    if (message.role !== 'tool') toolTurn = undefined;
    switch (message.role) {
      case 'system':
      case 'developer':
        for (const text of texts(message.content)) system.push({ text });
        break;
      case 'user':
        contents.push({
          role: 'user',
          parts: userParts(message.content, `${param}.content`, options.baseURL),
        });
        break;
      case 'assistant': {
        const parts = assistantParts(message, param, options.traits, callNames);
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id);
        if (name === undefined) {
          throw invalidRequest(
            `${param}.tool_call_id '${message.tool_call_id}' does not match a tool call of an earlier assistant message; ` +
              'Gemini matches tool results to calls by function name.',
            `${param}.tool_call_id`,
          );
        }
        const part: GeminiPart = {
          functionResponse: {
            id: message.tool_call_id,
            name,
            response: { name, content: texts(message.content).join('') },
          },
        };
        if (toolTurn) toolTurn.parts.push(part);
        else {
          toolTurn = { role: 'user', parts: [part] };
          contents.push(toolTurn);
        }
        break;
      }
    }
  });

  if (system.length === 0) return { contents };
  if (options.traits.systemInstruction) return { systemInstruction: { parts: system }, contents };
  const preamble = { text: `${system.map((part) => part.text).join('\n\n')}\n\n` };
  const first = contents[0];
  if (first?.role === 'user') first.parts.unshift(preamble);
  else contents.unshift({ role: 'user', parts: [preamble] });
  return { contents };
}

function texts(content: string | ReadonlyArray<{ text: string }>): string[] {
  return typeof content === 'string' ? [content] : content.map((part) => part.text);
}

function userParts(
  content: string | readonly UserContentPart[],
  param: string,
  baseURL: string,
): GeminiPart[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part, j): GeminiPart => {
    const at = `${param}[${j}]`;
    if (part.type === 'text') return { text: part.text };
    if (part.type === 'image_url') return mediaPart(part.image_url.url, `${at}.image_url.url`, baseURL);
    if (part.type === 'input_audio') {
      const mimeType = part.input_audio.format === 'mp3' ? 'audio/mp3' : 'audio/wav';
      return { inlineData: { mimeType, data: part.input_audio.data } };
    }
    return filePart(part.file, `${at}.file`, baseURL);
  });
}

const DATA_URL = /^data:([^;,]+)((?:;[^;,]+)*);base64,(.*)$/s;

function mediaPart(url: string, param: string, baseURL: string): GeminiPart {
  if (url.startsWith('data:')) {
    const match = DATA_URL.exec(url);
    if (!match?.[1] || match[3] === undefined) {
      throw invalidRequest(`${param} must be a base64 data: URL (data:<mime type>;base64,<data>).`, param);
    }
    return { inlineData: { mimeType: match[1], data: match[3] } };
  }
  if (isGeminiFileUri(url, baseURL)) {
    const mimeType = mimeTypeOf(url);
    return { fileData: { ...(mimeType ? { mimeType } : {}), fileUri: url } };
  }
  throw unsupportedParameter(
    param,
    'must be a data: URL, a gs:// URI, a Gemini Files API URI or a YouTube URL: the Gemini adapter does not download other URLs; send the image as a base64 data: URL',
  );
}

function filePart(
  file: { file_data?: string; file_id?: string; filename?: string },
  param: string,
  baseURL: string,
) {
  if (file.file_data !== undefined) {
    if (file.file_data.startsWith('data:')) return mediaPart(file.file_data, `${param}.file_data`, baseURL);
    const mimeType = file.filename ? mimeTypeOf(file.filename) : undefined;
    if (!mimeType) {
      throw invalidRequest(
        `${param}.file_data needs a known file type: send it as a data: URL with its MIME type, or give a filename with a known extension.`,
        `${param}.file_data`,
      );
    }
    return { inlineData: { mimeType, data: file.file_data } };
  }
  const id = file.file_id ?? '';
  const uri = id.startsWith('files/') ? `${baseURL.replace(/\/+$/, '')}/${id}` : id;
  if (!isGeminiFileUri(uri, baseURL)) {
    throw unsupportedParameter(
      `${param}.file_id`,
      "must be a Gemini file ('files/…' or its URI) or a gs:// URI",
    );
  }
  const mimeType = mimeTypeOf(file.filename ?? uri);
  return { fileData: { ...(mimeType ? { mimeType } : {}), fileUri: uri } };
}

function isGeminiFileUri(url: string, baseURL: string): boolean {
  if (url.startsWith('gs://')) return true;
  if (/^https:\/\/(www\.)?(youtube\.com\/watch|youtu\.be\/)/.test(url)) return true;
  if (/^https:\/\/generativelanguage\.googleapis\.com\/v1\w*\/files\//.test(url)) return true;
  return url.startsWith(`${baseURL.replace(/\/+$/, '')}/files/`);
}

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  csv: 'text/csv',
  xml: 'text/xml',
  json: 'application/json',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
};

function mimeTypeOf(name: string): string | undefined {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(name)?.[1]?.toLowerCase();
  return extension ? MIME_TYPES[extension] : undefined;
}

function assistantParts(
  message: AssistantMessageParam,
  param: string,
  traits: GeminiModelTraits,
  callNames: Map<string, string>,
): GeminiPart[] {
  if (message.function_call)
    throw unsupportedParameter(`${param}.function_call`, 'is deprecated; use tool_calls');
  const parts: GeminiPart[] = [];
  if (message.reasoning_content) parts.push({ text: message.reasoning_content, thought: true });
  const text = assistantText(message.content);
  const signature = readThoughtSignature(message);
  if (text !== '') parts.push({ text, ...(signature ? { thoughtSignature: signature } : {}) });

  const calls = message.tool_calls ?? [];
  calls.forEach((call, j) => {
    callNames.set(call.id, call.function.name);
    parts.push({
      functionCall: {
        id: call.id,
        name: call.function.name,
        args: parseArguments(call.function.arguments, `${param}.tool_calls[${j}].function.arguments`),
      },
      ...withSignature(readThoughtSignature(call)),
    });
  });

  const firstCall = parts.find((part) => part.functionCall);
  if (firstCall && !firstCall.thoughtSignature) {
    // A message-level signature belongs to the turn; without any, Gemini 3 needs the sentinel.
    const fallback = text === '' ? signature : undefined;
    const value = fallback ?? (traits.thinking === 'level' ? SKIP_THOUGHT_SIGNATURE_VALIDATOR : undefined);
    if (value) firstCall.thoughtSignature = value;
  }
  return parts;
}

function withSignature(signature: string | undefined): Pick<GeminiPart, 'thoughtSignature'> {
  return signature ? { thoughtSignature: signature } : {};
}

function assistantText(content: AssistantMessageParam['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : part.refusal)).join('');
}

function parseArguments(value: string, param: string): Record<string, unknown> {
  if (value.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest(`${param} must be a JSON object encoded as a string (it is not valid JSON).`, param);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(
      `${param} must encode a JSON object; Gemini takes function arguments as an object.`,
      param,
    );
  }
  return parsed as Record<string, unknown>;
}
