import cluster, { type Worker } from 'node:cluster';
import { onStopSignal } from '../cli/gateway-lifecycle.js';
import type { ClusterRunOptions } from './cluster-run.js';
import { PROBE_LEASE_MS } from './ipc-breakers.js';
import { isWorkerPacket, type PrimaryMessage, type Reply, type WorkerMessage } from './ipc-messages.js';
import { MetricsCollector } from './metrics-collector.js';
import { Outbox } from './outbox.js';
import { PrimaryBreakers } from './primary-breakers.js';
import { PrimaryLimits } from './primary-limits.js';
import { RestartPolicy } from './restart-policy.js';

/**
 * The primary of `switchyard start --workers N`: forks N workers that serve one port (node:cluster
 * hands them the connections), keeps the state they share (rate limits, budgets, breakers) and
 * answers their calls, sums their metrics, replaces a worker that dies (with a growing delay when
 * they keep dying), and on SIGTERM/SIGINT has every worker drain, then resolves 0. A second
 * signal kills the workers and exits 1 at once.
 */
export async function runPrimary(options: ClusterRunOptions): Promise<number> {
  const { config, logger, destination } = options;
  const count = config.server.workers;
  const limits = new PrimaryLimits();
  const breakers = new PrimaryBreakers(PROBE_LEASE_MS);
  const workers = new Set<Worker>();
  /** Workers that said `ready`: they listen to the channel. */
  const listening = new WeakSet<Worker>();
  const metrics = new MetricsCollector(
    () => workers,
    (worker, message) => send(worker, message),
  );
  const restarts = new RestartPolicy();
  let stopping = false;
  let starting = true;
  let failed: ((code: number) => void) | undefined;

  const outboxes = new WeakMap<Worker, Outbox<PrimaryMessage>>();
  const send = (worker: Worker, message: PrimaryMessage) => outboxes.get(worker)?.push(message);

  /** Applies a worker's message; returns the reply to send it, if the message is a call answered now. */
  const answer = (worker: Worker, message: WorkerMessage): Reply | undefined => {
    switch (message.kind) {
      case 'take':
        return { kind: 'reply', id: message.id, call: 'take', value: limits.take(message) };
      case 'reserve':
        return { kind: 'reply', id: message.id, call: 'reserve', value: limits.reserve(message) };
      case 'adjust':
        limits.adjust(message);
        return undefined;
      case 'settle':
        limits.settle(message);
        return undefined;
      case 'transition': {
        const { deployment, transition, cooldownMs } = message;
        const { reported, changed } = breakers.transition(deployment, transition, cooldownMs);
        if (changed)
          for (const other of workers) if (other !== worker) send(other, { kind: 'breaker', reported });
        return { kind: 'reply', id: message.id, call: 'transition', value: reported };
      }
      case 'claim':
        return {
          kind: 'reply',
          id: message.id,
          call: 'claim',
          value: breakers.claim(message.deployment, message.token),
        };
      case 'renew':
        return {
          kind: 'reply',
          id: message.id,
          call: 'renew',
          value: breakers.renew(message.deployment, message.token),
        };
      case 'release':
        breakers.release(message.deployment, message.token);
        return undefined;
      case 'breakers':
        return { kind: 'reply', id: message.id, call: 'breakers', value: breakers.snapshot() };
      case 'metrics':
        void metrics
          .collect()
          .then((value) => send(worker, { kind: 'reply', id: message.id, call: 'metrics', value }));
        return undefined;
      case 'metrics_snapshot':
        metrics.receive(message.id, message.snapshot);
        return undefined;
      case 'ready':
      case 'announced':
        return undefined;
    }
  };

  const fork = (replacing = false): Promise<Worker> => {
    const worker = cluster.fork();
    workers.add(worker);
    outboxes.set(
      worker,
      new Outbox((packet) => {
        if (worker.isConnected()) worker.send(packet);
      }),
    );
    const startedAt = Date.now();
    worker.on('message', (packet: unknown) => {
      if (!isWorkerPacket(packet)) return;
      for (const message of packet) {
        const reply = answer(worker, message);
        if (reply) send(worker, reply);
      }
    });
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (workers.size === 0) allStopped();
        return;
      }
      if (starting) {
        failed?.(code || 1);
        return;
      }
      const delay = restarts.delayAfter(Date.now() - startedAt);
      logger.error(
        { worker: worker.process.pid, code, signal, restart_in_ms: delay },
        'worker exited: replacing it',
      );
      setTimeout(() => {
        if (!stopping) void fork(true);
      }, delay).unref();
    });
    return new Promise<Worker>((resolve) => {
      const onReady = (packet: unknown) => {
        if (!isWorkerPacket(packet) || !packet.some((message) => message.kind === 'ready')) return;
        worker.off('message', onReady);
        listening.add(worker);
        if (stopping) send(worker, { kind: 'drain' });
        if (replacing) logger.info({ worker: worker.process.pid }, 'worker replaced');
        resolve(worker);
      };
      worker.on('message', onReady);
    });
  };

  let allStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    allStopped = resolve;
  });
  const stopAll = () => {
    stopping = true;
    if (workers.size === 0) allStopped();
    // A worker still starting may not listen to its channel yet (a message would be lost):
    // SIGTERM ends it, or drains it if it got as far as listening.
    for (const worker of workers)
      if (listening.has(worker)) send(worker, { kind: 'drain' });
      else worker.process.kill('SIGTERM');
  };
  onStopSignal(logger, destination, (signal) => {
    logger.info({ signal, workers: workers.size }, 'shutting down: draining every worker');
    stopAll();
  });
  process.on('exit', () => {
    for (const worker of workers) worker.process.kill('SIGKILL');
  });

  // The first worker alone: it creates the database (and its migrations) that the others open.
  const startFailed = new Promise<number>((resolve) => {
    failed = resolve;
  });
  const started = (async () => {
    const first = await fork();
    await Promise.all(Array.from({ length: count - 1 }, () => fork()));
    return first;
  })();
  const first = await Promise.race([started, startFailed, stopped.then(() => 0)]);
  starting = false;
  if (typeof first === 'number') {
    // A worker could not start (its error is on stderr), or a signal came first: the others may
    // not listen yet, so they get SIGTERM (drained if they listen, ended if not).
    stopping = true;
    for (const worker of workers) worker.process.kill('SIGTERM');
    if (workers.size > 0) await stopped;
    return first;
  }
  send(first, { kind: 'announce', workers: count });
  await stopped;
  logger.info('stopped');
  return 0;
}
