import type pino from 'pino';
import type { Io } from '../cli/admin-commands.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { SecretScrubber } from '../logging/create-logger.js';
import type { StdoutDestination } from '../logging/stdout-destination.js';

/** What `switchyard start` hands the cluster's primary or a worker. */
export interface ClusterRunOptions {
  readonly config: ResolvedConfig;
  readonly logger: pino.Logger;
  readonly scrubber: SecretScrubber;
  readonly destination: StdoutDestination;
  readonly io: Io;
  /** The command's flags, for the banner's "start it again" line. */
  readonly flags: { config?: string | undefined; 'data-dir'?: string | undefined };
}
