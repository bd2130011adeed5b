import { availableParallelism } from 'node:os';

/** `--workers`, `SWITCHYARD_WORKERS`, `server.workers`: a positive integer, or `auto` (one per core). */
export type WorkersSetting = number | 'auto';

/** What `--workers N|auto` accepts, as said in every refusal. */
export const WORKERS_EXPECTED = 'a positive integer or "auto"';

/** The setting written in `text`, or undefined when it is neither a positive integer nor `auto`. */
export function parseWorkers(text: string): WorkersSetting | undefined {
  const trimmed = text.trim();
  if (trimmed === 'auto') return 'auto';
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= 1 ? n : undefined;
}

/** How many processes serve: `auto` is `os.availableParallelism()`. */
export function workerCount(setting: WorkersSetting): number {
  return setting === 'auto' ? availableParallelism() : setting;
}
