import type { Usage } from '@switchyard/protocol';
import type { RoutedStream, UsageWait } from '../routing/routed-stream.js';

/** The usage to bill for a stream, and whether the gateway estimated it. */
export interface BilledUsage {
  readonly usage: Usage | undefined;
  readonly estimated: boolean;
}

/**
 * The usage of a stream the client left before its usage chunk: the upstream's own, read on for
 * within `wait` when every choice had finished; otherwise an estimate from what was sent (the
 * prompt estimate admission counted) and what was streamed. A stream whose upstream never sent a
 * chunk has none: nothing shows the upstream did the work.
 */
export async function usageOfCutStream(
  stream: RoutedStream,
  estimatedPromptTokens: number,
  wait: UsageWait,
): Promise<BilledUsage> {
  const usage = await stream.usageAfterCut(wait);
  if (usage) return { usage, estimated: false };
  if (!stream.tally.started) return { usage: undefined, estimated: false };
  const completion = stream.tally.estimatedOutputTokens;
  return {
    usage: {
      prompt_tokens: estimatedPromptTokens,
      completion_tokens: completion,
      total_tokens: estimatedPromptTokens + completion,
    },
    estimated: true,
  };
}
