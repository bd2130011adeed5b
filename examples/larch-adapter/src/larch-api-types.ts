/**
 * The wire types of Larch's Generate API (a fictional provider, written from its "documentation":
 * the examples in the README of this folder). Received shapes are loose: fields may be missing.
 */

/** `POST /v2/generate` */
export interface LarchGenerateRequest {
  model: string;
  instructions?: string;
  turns: { speaker: 'human' | 'model'; text: string }[];
  limits?: { max_output_tokens: number };
  sampling?: { temperature?: number; top_p?: number };
  stop_words?: string[];
  stream: boolean;
}

export type LarchEnd = 'complete' | 'limit' | 'stop_word';

export interface LarchTokens {
  input?: number;
  output?: number;
}

/** The answer to a non-stream request. */
export interface LarchGeneration {
  id?: string;
  output?: string;
  end?: LarchEnd;
  tokens?: LarchTokens;
}

/** One line of a streamed answer (`application/x-ndjson`). */
export type LarchStreamLine =
  | { event: 'start'; id?: string }
  | { event: 'text'; text?: string }
  | { event: 'end'; end?: LarchEnd; tokens?: LarchTokens }
  | { event: 'failure'; failure?: LarchFailure };

/** Larch's error body: `{ "failure": { "kind", "detail" } }`, also sent as a stream line. */
export interface LarchFailure {
  kind?: string;
  detail?: string;
}
