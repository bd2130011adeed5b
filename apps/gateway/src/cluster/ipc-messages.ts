import type { Reservation } from '../limits/budget-tracker.js';
import type { RateDecision, RateLimits } from '../limits/rate-limiter.js';
import type { RegistrySnapshot } from '../metrics/prometheus.js';
import type { Reported, TransitionKind } from '../routing/fleet-breaker.js';

// Every message of the cluster's IPC channel (`process.send` / `worker.send`), worker → primary
// and primary → worker. Calls carry an `id` that their reply repeats; tells have no reply. On the
// channel, messages travel in packets: the array of those sent in one event-loop turn (`Outbox`).

/** A worker asks the primary and waits for the reply (bounded: see `PrimaryLink`). */
export type WorkerCall =
  | { kind: 'take'; id: number; keyId: string; limits: RateLimits; tokens: number; now: number }
  | {
      kind: 'reserve';
      id: number;
      keyId: string;
      start: number;
      budget: number;
      estimate: number;
      /** The ledger's spend for the period, sent once the primary asked for it (`seed_needed`). */
      seed: number | null;
    }
  | { kind: 'transition'; id: number; deployment: string; transition: TransitionKind; cooldownMs: number }
  | { kind: 'claim'; id: number; deployment: string; token: string }
  | { kind: 'renew'; id: number; deployment: string; token: string }
  | { kind: 'breakers'; id: number }
  | { kind: 'metrics'; id: number };

/** A worker tells the primary; nothing comes back. */
export type WorkerTell =
  | { kind: 'adjust'; keyId: string; delta: number; now: number }
  | { kind: 'settle'; keyId: string; start: number; reserved: number; cost: number }
  | { kind: 'release'; deployment: string; token: string }
  | { kind: 'ready'; url: string }
  | { kind: 'announced' }
  | { kind: 'metrics_snapshot'; id: number; snapshot: RegistrySnapshot };

export type WorkerMessage = WorkerCall | WorkerTell;

/** The primary's answer to a {@link WorkerCall}, by the call's kind. */
export type Reply =
  | { kind: 'reply'; id: number; call: 'take'; value: RateDecision }
  | { kind: 'reply'; id: number; call: 'reserve'; value: Reservation | 'seed_needed' }
  | { kind: 'reply'; id: number; call: 'transition'; value: Reported }
  | { kind: 'reply'; id: number; call: 'claim' | 'renew'; value: boolean }
  | { kind: 'reply'; id: number; call: 'breakers'; value: Reported[] }
  | { kind: 'reply'; id: number; call: 'metrics'; value: string };

/** What the primary sends a worker. */
export type PrimaryMessage =
  | Reply
  /** Another worker's breaker transition. */
  | { kind: 'breaker'; reported: Reported }
  /** Send your metrics (`metrics_snapshot` with this id). */
  | { kind: 'collect_metrics'; id: number }
  /** Every worker listens: create the first admin key if needed, log `listening`, print the banner. */
  | { kind: 'announce'; workers: number }
  /** Stop taking requests, finish those in flight, exit. */
  | { kind: 'drain' };

const WORKER_KINDS: ReadonlySet<string> = new Set<WorkerMessage['kind']>([
  'take',
  'reserve',
  'transition',
  'claim',
  'renew',
  'breakers',
  'metrics',
  'adjust',
  'settle',
  'release',
  'ready',
  'announced',
  'metrics_snapshot',
]);

const PRIMARY_KINDS: ReadonlySet<string> = new Set<PrimaryMessage['kind']>([
  'reply',
  'breaker',
  'collect_metrics',
  'announce',
  'drain',
]);

function kindOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || !('kind' in message)) return undefined;
  return typeof message.kind === 'string' ? message.kind : undefined;
}

function isPacketOf<M>(kinds: ReadonlySet<string>, packet: unknown): packet is M[] {
  return Array.isArray(packet) && packet.every((message) => kinds.has(kindOf(message) ?? ''));
}

/** Whether an IPC packet came from a worker of ours (the channel carries nothing else of ours). */
export function isWorkerPacket(packet: unknown): packet is WorkerMessage[] {
  return isPacketOf<WorkerMessage>(WORKER_KINDS, packet);
}

/** Whether an IPC packet came from the primary. */
export function isPrimaryPacket(packet: unknown): packet is PrimaryMessage[] {
  return isPacketOf<PrimaryMessage>(PRIMARY_KINDS, packet);
}
