import { announceStart } from '../cli/announce-start.js';
import { drain, onStopSignal, openGateway } from '../cli/gateway-lifecycle.js';
import type { ClusterServices } from '../server/wire-gateway.js';
import type { ClusterRunOptions } from './cluster-run.js';
import { IpcBreakers } from './ipc-breakers.js';
import { IpcLimits } from './ipc-limits.js';
import { type Notice, PrimaryLink } from './primary-link.js';

/**
 * One worker of `switchyard start --workers N`: a whole gateway on the shared port, whose limits,
 * budgets and breakers are kept by the primary (unless Redis shares them), whose `/metrics` sums
 * every worker's, and that drains when the primary says so (or is gone). Keys and the ledger are
 * the data directory's, shared by every worker (see docs/deploy.md). Resolves with the exit code.
 */
export async function runWorker(options: ClusterRunOptions): Promise<number> {
  const { config, logger, scrubber, destination, io, flags } = options;
  // A drain asked for while the gateway was still starting is done as soon as it listens.
  let drainAsked = false;
  let onNotice: (notice: Notice) => void = (notice) => {
    if (notice.kind === 'drain') drainAsked = true;
  };
  const link = new PrimaryLink((notice) => onNotice(notice));
  let breakers: IpcBreakers | undefined;
  const cluster: ClusterServices = {
    limits: new IpcLimits(link),
    breakers: (metrics) => {
      breakers = new IpcBreakers(link, (deployment, state) => metrics.breakerState({ deployment, state }));
      return breakers;
    },
    renderMetrics: () =>
      link.ask({ kind: 'metrics' }, (reply) => (reply.call === 'metrics' ? reply.value : undefined)),
  };
  const opened = await openGateway({ config, logger, scrubber, deferAdminKey: true, cluster }, io);
  if (typeof opened === 'number') {
    link.close();
    return opened;
  }
  const { gateway, url } = opened;
  const stopped = new Promise<void>((resolve) => {
    let draining = false;
    const stop = () => {
      if (draining) return;
      draining = true;
      void drain(gateway, logger).then(resolve);
    };
    onNotice = (notice) => {
      if (notice.kind === 'breaker') breakers?.hear(notice.reported);
      else if (notice.kind === 'collect_metrics')
        link.tell({
          kind: 'metrics_snapshot',
          id: notice.id,
          snapshot: gateway.accounting.metrics.registry.snapshot(),
        });
      else if (notice.kind === 'announce')
        void announceStart({ gateway, url, logger, io, flags }).then(() => link.tell({ kind: 'announced' }));
      else stop();
    };
    // The primary forwards SIGINT/SIGTERM as `drain`; a terminal's Ctrl-C reaches every process of
    // the group, and must not count as a second signal here.
    process.on('SIGINT', () => {});
    onStopSignal(logger, destination, stop, ['SIGTERM']);
    // The primary is gone (killed): nobody keeps the limits any more.
    process.once('disconnect', stop);
    if (drainAsked) stop();
  });
  link.tell({ kind: 'ready', url });
  await stopped;
  breakers?.close();
  link.close();
  return 0;
}
