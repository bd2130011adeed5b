import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Breaker, BreakerRegistry, BreakerState, CircuitBreakerOptions } from './circuit-breaker.js';
import type { Fleet, Reported, TransitionKind } from './fleet-breaker.js';
import { FleetRegistry } from './fleet-registry.js';

// Redis layout, every key in one hash slot (`{breakers}`) so that the scripts also run on Redis
// Cluster:
//   <prefix>{breakers}:open        hash, deployment id → {"u": open until (Redis clock, ms),
//                                  "c": cooldown ms, "g": generation}; only open breakers are in it
//   <prefix>{breakers}:gen         generation counter, bumped by every transition of any breaker, so
//                                  that instances order what they hear and ignore stale news
//   <prefix>{breakers}:probe:<id>  the half-open probe's lease (SET NX PX), value: the owner's token
//   channel <prefix>breakers       every transition, {"d": id, "s": state, "g", "c", "r": ms left, "o": origin}
// Times are Redis's own clock (TIME), sent to instances as "ms left", so clock skew between gateway
// hosts does not matter.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// ARGV: id, kind ('open' | 'reopen' | 'close'), cooldown ms, channel, origin.
// `open` (the instance's own failures reached the threshold) keeps an open state that has not
// expired, so the fleet keeps the first opener's cooldown. `reopen` (a failed probe) and `close`
// (a success) always win. Returns the shared state after the call.
const TRANSITION = `${NOW}
local id, kind, cooldown = ARGV[1], ARGV[2], tonumber(ARGV[3])
local raw = redis.call('HGET', KEYS[1], id)
local cur = raw and cjson.decode(raw)
local function publish(state)
  state.d = id
  state.o = ARGV[5]
  local out = cjson.encode(state)
  redis.call('PUBLISH', ARGV[4], out)
  return out
end
if kind == 'close' then
  if not cur then return cjson.encode({ s = 'closed', g = tonumber(redis.call('GET', KEYS[2]) or '0') }) end
  local g = redis.call('INCR', KEYS[2])
  redis.call('HDEL', KEYS[1], id)
  redis.call('DEL', KEYS[3])
  return publish({ s = 'closed', g = g })
end
if cur and kind == 'open' then
  if cur.u > now then return cjson.encode({ s = 'open', g = cur.g, c = cur.c, r = cur.u - now }) end
  cooldown = math.max(cooldown, cur.c)
end
local g = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], id, cjson.encode({ u = now + cooldown, c = cooldown, g = g }))
redis.call('DEL', KEYS[3])
return publish({ s = 'open', g = g, c = cooldown, r = cooldown })
`;

const SNAPSHOT = `${NOW}
return { tostring(now), redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1]) }
`;

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Scripted = Redis & {
  switchyardBreakerTransition(
    open: string,
    gen: string,
    probe: string,
    id: string,
    kind: TransitionKind,
    cooldownMs: number,
    channel: string,
    origin: string,
  ): Promise<string>;
  switchyardBreakerSnapshot(open: string, gen: string): Promise<[string, string, string[]]>;
  switchyardBreakerRenew(probe: string, token: string, leaseMs: number): Promise<number>;
  switchyardBreakerRelease(probe: string, token: string): Promise<number>;
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The subset of a pino logger used here. */
export interface SharedBreakersLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface SharedBreakersOptions {
  /** `redis://` or `rediss://` URL (never logged). */
  readonly url: string;
  /** Prefix of the keys and the channel; `switchyard:` by default, like the shared limits. */
  readonly prefix?: string;
  /**
   * How long a claimed half-open probe stays claimed: renewed while the probe runs, so a crashed
   * instance blocks the next probe for at most this long. 5 s by default.
   */
  readonly probeLeaseMs?: number;
  readonly logger?: SharedBreakersLogger;
  /** A shared state for a deployment this instance has not routed to yet (metrics). */
  readonly onUntracked?: (deploymentId: string, state: BreakerState) => void;
}

/**
 * Circuit breakers shared by every gateway instance through Redis. The request path never waits
 * for Redis: each instance keeps a local `CircuitBreaker` that decides synchronously; its
 * transitions are written to Redis by one atomic script and broadcast on a pub/sub channel, and
 * every instance applies what it hears to its own breakers, within milliseconds. A new instance
 * loads the open breakers when it starts (and again after a reconnection, for what it missed).
 *
 * - Failures are counted per instance, not shared: the threshold counts *consecutive* failures,
 *   and a shared count would have to be reset by every success, a Redis write per request. So
 *   the first instance that sees `failureThreshold` failures in a row opens the breaker for all.
 * - Half-open: one probe for the whole fleet, claimed with `SET NX PX` (a lease renewed while the
 *   probe runs). The claim is asynchronous, so on each instance the first request that finds the
 *   breaker half-open starts claiming and is refused (it goes to the next deployment, or gets the
 *   usual 503 when there is none); the instance that wins lets its next request be the probe.
 *   Its outcome closes the breaker everywhere, or reopens it everywhere with the doubled cooldown.
 * - When Redis is unreachable, every instance falls back to its local breakers (logged once per
 *   outage) and resumes sharing when Redis is back: traffic never waits for Redis.
 */
export class SharedBreakers implements BreakerRegistry {
  /** Resolves once the shared state is loaded, or after the connect timeout (never rejects). */
  readonly ready: Promise<void>;
  readonly #redis: Scripted;
  readonly #subscriber: Redis;
  readonly #open: string;
  readonly #gen: string;
  readonly #probePrefix: string;
  readonly #channel: string;
  readonly #origin = randomBytes(8).toString('hex');
  readonly #logger: SharedBreakersLogger | undefined;
  readonly #registry: FleetRegistry;
  #up = false;
  #outage = false;
  #subscribed = false;
  #restoring = false;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #resolveReady: () => void = () => {};

  constructor(options: SharedBreakersOptions) {
    const prefix = options.prefix ?? 'switchyard:';
    this.#open = `${prefix}{breakers}:open`;
    this.#gen = `${prefix}{breakers}:gen`;
    this.#probePrefix = `${prefix}{breakers}:probe:`;
    this.#channel = `${prefix}breakers`;
    this.#logger = options.logger;
    // Fail fast rather than queue while Redis is away: the local breakers decide meanwhile.
    const timeouts = { connectTimeout: 2_000, commandTimeout: 1_000, maxRetriesPerRequest: 0 };
    this.#redis = new Redis(options.url, { ...timeouts, enableOfflineQueue: false }) as Scripted;
    this.#redis.defineCommand('switchyardBreakerTransition', { numberOfKeys: 3, lua: TRANSITION });
    this.#redis.defineCommand('switchyardBreakerSnapshot', { numberOfKeys: 2, lua: SNAPSHOT });
    this.#redis.defineCommand('switchyardBreakerRenew', { numberOfKeys: 1, lua: RENEW });
    this.#redis.defineCommand('switchyardBreakerRelease', { numberOfKeys: 1, lua: RELEASE });
    this.#subscriber = new Redis(options.url, { ...timeouts, commandTimeout: undefined });
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.#channel) this.#hear(text);
    });
    for (const connection of [this.#redis, this.#subscriber]) {
      connection.on('ready', () => void this.#restore());
      connection.on('error', (error: unknown) => this.#down(error));
      connection.on('close', () => this.#down(new Error('connection closed')));
    }
    const leaseMs = options.probeLeaseMs ?? 5_000;
    const fleet: Fleet = {
      leaseMs,
      up: () => this.#up,
      transition: async (id, kind, cooldownMs) =>
        JSON.parse(
          await this.#redis.switchyardBreakerTransition(
            this.#open,
            this.#gen,
            this.#probePrefix + id,
            id,
            kind,
            cooldownMs,
            this.#channel,
            this.#origin,
          ),
        ) as Reported,
      claim: async (id, token) =>
        (await this.#redis.set(this.#probePrefix + id, token, 'PX', leaseMs, 'NX')) === 'OK',
      renew: async (id, token) =>
        (await this.#redis.switchyardBreakerRenew(this.#probePrefix + id, token, leaseMs)) === 1,
      release: async (id, token) => {
        await this.#redis.switchyardBreakerRelease(this.#probePrefix + id, token);
      },
      down: (error) => this.#down(error),
    };
    this.#registry = new FleetRegistry(fleet, options.onUntracked);
    this.ready = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_500);
      timer.unref();
      this.#resolveReady = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Whether the breakers are shared right now (false: Redis unreachable, each instance alone). */
  get shared(): boolean {
    return this.#up;
  }

  breaker(deploymentId: string, options: CircuitBreakerOptions): Breaker {
    return this.#registry.breaker(deploymentId, options);
  }

  /** Closes both Redis connections; the breakers keep working locally. */
  close(): void {
    this.#closed = true;
    this.#up = false;
    clearTimeout(this.#retry);
    this.#registry.detach();
    this.#redis.disconnect();
    this.#subscriber.disconnect();
  }

  #hear(text: string): void {
    let reported: Reported;
    try {
      reported = JSON.parse(text) as Reported;
    } catch {
      return;
    }
    // Our own transitions are applied from the script's reply.
    if (reported.o === this.#origin || typeof reported.g !== 'number') return;
    this.#registry.hear(reported);
  }

  /** Loads the open breakers: at start, and after each reconnection (news may have been missed). */
  async #restore(): Promise<void> {
    if (this.#restoring || this.#closed) return;
    if (this.#redis.status !== 'ready' || this.#subscriber.status !== 'ready') return;
    this.#restoring = true;
    try {
      if (!this.#subscribed) {
        await this.#subscriber.subscribe(this.#channel);
        this.#subscribed = true;
      }
      const [nowText, genText, flat] = await this.#redis.switchyardBreakerSnapshot(this.#open, this.#gen);
      const now = Number(nowText);
      const open = new Set<string>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const id = flat[i] as string;
        const entry = JSON.parse(flat[i + 1] as string) as { u: number; c: number; g: number };
        open.add(id);
        this.#registry.learn(id, entry.g, {
          state: 'open',
          cooldownMs: entry.c,
          retryAfterMs: Math.max(0, entry.u - now),
        });
      }
      // Not in the hash: closed by the fleet, maybe while this instance was not listening.
      const gen = Number(genText);
      for (const [id, breaker] of this.#registry.breakers)
        if (!open.has(id)) breaker.adoptClosedSnapshot(gen);
      for (const id of this.#registry.untrackedOpen())
        if (!open.has(id)) this.#registry.learn(id, gen, { state: 'closed' });
      if (!this.#up) {
        this.#up = true;
        if (this.#outage) this.#logger?.info({}, 'circuit breakers shared through Redis again');
        this.#outage = false;
        this.#resolveReady();
      }
    } catch (error) {
      this.#down(error);
    } finally {
      this.#restoring = false;
    }
  }

  #down(error: unknown): void {
    if (this.#closed) return;
    this.#up = false;
    if (!this.#outage) {
      this.#outage = true;
      this.#resolveReady();
      this.#logger?.warn(
        { error: messageOf(error) },
        'circuit breakers not shared: Redis unreachable, each instance decides alone until it is back',
      );
    }
    // Reconnections call #restore themselves ('ready'); this covers a failed command on a
    // connection that stayed up.
    if (this.#retry === undefined) {
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        if (this.#up || this.#closed) return;
        void this.#restore().then(() => {
          if (!this.#up) this.#down(error);
        });
      }, 1_000);
      this.#retry.unref();
    }
  }
}
