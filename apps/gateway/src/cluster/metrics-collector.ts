import type { Worker } from 'node:cluster';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { RegistrySnapshot } from '../metrics/prometheus.js';
import type { PrimaryMessage } from './ipc-messages.js';

/** How long `/metrics` waits for the workers' snapshots; a worker that is later is left out. */
const COLLECT_TIMEOUT_MS = 1_000;

interface Collection {
  readonly waiting: number;
  readonly snapshots: RegistrySnapshot[];
  readonly done: () => void;
}

/**
 * `/metrics` of a cluster, in the primary: asks every worker for its metrics' values and renders
 * their sum (counters and histogram buckets added, in-flight gauges added, breaker states by the
 * highest), whichever worker was asked.
 */
export class MetricsCollector {
  readonly #workers: () => Iterable<Worker>;
  readonly #send: (worker: Worker, message: PrimaryMessage) => void;
  readonly #collections = new Map<number, Collection>();
  #next = 1;

  constructor(workers: () => Iterable<Worker>, send: (worker: Worker, message: PrimaryMessage) => void) {
    this.#workers = workers;
    this.#send = send;
  }

  /** The Prometheus text of every worker's metrics, summed. */
  collect(): Promise<string> {
    const id = this.#next++;
    const live = [...this.#workers()].filter((w) => w.isConnected());
    const snapshots: RegistrySnapshot[] = [];
    return new Promise<string>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#collections.delete(id);
        const sum = new GatewayMetrics();
        for (const snapshot of snapshots) sum.registry.absorb(snapshot);
        resolve(sum.render());
      };
      const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
      this.#collections.set(id, { waiting: live.length, snapshots, done: finish });
      for (const worker of live) this.#send(worker, { kind: 'collect_metrics', id });
      if (live.length === 0) finish();
    });
  }

  /** A worker's answer to collection `id`. */
  receive(id: number, snapshot: RegistrySnapshot): void {
    const collection = this.#collections.get(id);
    if (!collection) return;
    collection.snapshots.push(snapshot);
    if (collection.snapshots.length >= collection.waiting) collection.done();
  }
}
