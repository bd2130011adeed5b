import type { Redis } from 'ioredis';
import { CENT_FRACTION, type Reservation } from './budget-tracker.js';
import { formatReset, type RateDecision, type RateLimits } from './rate-limiter.js';
import type { SharedLimits } from './shared-limits.js';

// The same window as `SlidingWindow`: 60 one-second slots, here as the fields of one Redis hash per
// key and kind (field = slot number, value = count). One script reads, checks and counts both
// windows, so concurrent requests on any number of instances are admitted exactly up to the limit.
const TAKE = `
local now = tonumber(ARGV[1])
local slot = math.floor(now / 1000)
local function used(key)
  local total, slots = 0, {}
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local s, c = tonumber(all[i]), tonumber(all[i + 1])
    if slot - s < 60 then
      total = total + c
      slots[#slots + 1] = { s, c }
    else
      redis.call('HDEL', key, all[i])
    end
  end
  table.sort(slots, function(a, b) return a[1] < b[1] end)
  return total, slots
end
local function wait(total, slots, needed, limit)
  local excess = total + needed - limit
  for _, sc in ipairs(slots) do
    excess = excess - sc[2]
    if excess <= 0 then return (sc[1] + 60) * 1000 - now end
  end
  return 60000
end
local rpm, tpm, tokens = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local usedReq, usedTok = 0, 0
if rpm >= 0 then
  local total, slots = used(KEYS[1])
  usedReq = total
  if total + 1 > rpm then return { 0, 'requests', wait(total, slots, 1, rpm), tostring(total) } end
end
if tpm >= 0 then
  local total, slots = used(KEYS[2])
  usedTok = total
  if total + tokens > tpm then
    if tokens > tpm then return { 0, 'tokens_too_large', 0, tostring(total) } end
    return { 0, 'tokens', wait(total, slots, tokens, tpm), tostring(total) }
  end
end
if rpm >= 0 then
  redis.call('HINCRBY', KEYS[1], slot, 1)
  redis.call('PEXPIRE', KEYS[1], 61000)
end
if tpm >= 0 then
  redis.call('HINCRBY', KEYS[2], slot, tokens)
  redis.call('PEXPIRE', KEYS[2], 61000)
end
return { 1, tostring(usedReq), tostring(usedTok) }
`;

const ADJUST = `
redis.call('HINCRBY', KEYS[1], math.floor(tonumber(ARGV[1]) / 1000), ARGV[2])
redis.call('PEXPIRE', KEYS[1], 61000)
`;

// Budget state per key and period: settled spend (seeded from the ledger the first time) and the
// worst-case cost of requests in flight. A request is admitted only when its worst case fits in
// what is left (the same rule as \`fits\`); a refusal returns what was left, as a string (Redis
// would truncate a Lua number to an integer).
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'spent', ARGV[3], 'reserved', 0)
end
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent'))
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved'))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local left = tonumber(ARGV[1]) - spent - reserved
if left <= 0 or tonumber(ARGV[2]) > left + tonumber(ARGV[5]) then return { 0, tostring(left) } end
redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', ARGV[2])
return { 1 }
`;

const SETTLE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local reserved = tonumber(redis.call('HINCRBYFLOAT', KEYS[1], 'reserved', -tonumber(ARGV[1])))
if reserved < 0 then redis.call('HSET', KEYS[1], 'reserved', 0) end
redis.call('HINCRBYFLOAT', KEYS[1], 'spent', ARGV[2])
return 1
`;

/** Budget state older than this many ms after its period started is dropped (longest period: a month). */
const BUDGET_TTL_MS = 40 * 86_400_000;

type Scripted = Redis & {
  switchyardTake(
    req: string,
    tok: string,
    now: number,
    rpm: number,
    tpm: number,
    tokens: number,
  ): Promise<unknown[]>;
  switchyardAdjust(tok: string, now: number, delta: number): Promise<unknown>;
  switchyardReserve(
    key: string,
    budget: number,
    estimate: number,
    seed: number,
    ttlMs: number,
    tolerance: number,
  ): Promise<[number, string?]>;
  switchyardSettle(key: string, reserved: number, cost: number): Promise<number>;
};

/**
 * Rate limits and budget reservations shared by every gateway instance through Redis: each check
 * is one Lua script, so it is atomic across instances. Same semantics as the in-memory
 * `RateLimiter` and `BudgetTracker`.
 */
export class RedisLimits implements SharedLimits {
  readonly #redis: Scripted;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = 'switchyard:') {
    redis.defineCommand('switchyardTake', { numberOfKeys: 2, lua: TAKE });
    redis.defineCommand('switchyardAdjust', { numberOfKeys: 1, lua: ADJUST });
    redis.defineCommand('switchyardReserve', { numberOfKeys: 1, lua: RESERVE });
    redis.defineCommand('switchyardSettle', { numberOfKeys: 1, lua: SETTLE });
    this.#redis = redis as Scripted;
    this.#prefix = prefix;
  }

  // Both windows of a key in one hash slot (`{…}`), so the script also runs on Redis Cluster.
  #keys(keyId: string): [string, string] {
    return [`${this.#prefix}rl:{${keyId}}:req`, `${this.#prefix}rl:{${keyId}}:tok`];
  }

  async take(keyId: string, limits: RateLimits, tokens: number, now = Date.now()): Promise<RateDecision> {
    const [req, tok] = this.#keys(keyId);
    const result = await this.#redis.switchyardTake(
      req,
      tok,
      now,
      limits.rpm ?? -1,
      limits.tpm ?? -1,
      tokens,
    );
    const headers: Record<string, string> = {};
    if (result[0] === 1) {
      const usedReq = Number(result[1]);
      const usedTok = Number(result[2]);
      if (limits.rpm !== null) {
        headers['x-ratelimit-limit-requests'] = String(limits.rpm);
        headers['x-ratelimit-remaining-requests'] = String(limits.rpm - usedReq - 1);
      }
      if (limits.tpm !== null) {
        headers['x-ratelimit-limit-tokens'] = String(limits.tpm);
        headers['x-ratelimit-remaining-tokens'] = String(limits.tpm - usedTok - tokens);
      }
      return { ok: true, headers };
    }
    const kind = result[1] as string;
    const wait = Number(result[2]);
    const used = Number(result[3]);
    if (kind === 'requests') {
      headers['x-ratelimit-limit-requests'] = String(limits.rpm);
      headers['x-ratelimit-remaining-requests'] = '0';
      headers['x-ratelimit-reset-requests'] = formatReset(wait);
      return { ok: false, kind: 'requests', retryAfterMs: wait, retryable: true, headers };
    }
    if (limits.rpm !== null) headers['x-ratelimit-limit-requests'] = String(limits.rpm);
    headers['x-ratelimit-limit-tokens'] = String(limits.tpm);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, (limits.tpm ?? 0) - used));
    headers['x-ratelimit-reset-tokens'] = formatReset(wait);
    return { ok: false, kind: 'tokens', retryAfterMs: wait, retryable: kind === 'tokens', headers };
  }

  /** Corrects the token count once the real usage is known (negative to give back). */
  async adjustTokens(keyId: string, delta: number, now = Date.now()): Promise<void> {
    if (delta !== 0) await this.#redis.switchyardAdjust(this.#keys(keyId)[1], now, Math.round(delta));
  }

  #budgetKey(keyId: string, periodStart: number): string {
    return `${this.#prefix}budget:{${keyId}}:${periodStart}`;
  }

  /**
   * Reserves `estimate` USD, or refuses when it does not fit in what is left. `seed` is the spend
   * the ledger already holds for this period, used only when no instance has started counting yet.
   */
  async reserve(
    keyId: string,
    periodStart: number,
    budget: number,
    estimate: number,
    seed: () => number,
  ): Promise<Reservation> {
    const [ok, left] = await this.#redis.switchyardReserve(
      this.#budgetKey(keyId, periodStart),
      budget,
      estimate,
      seed(),
      BUDGET_TTL_MS,
      CENT_FRACTION,
    );
    return ok === 1 ? { ok: true } : { ok: false, left: Math.max(0, Number(left)) };
  }

  /** Closes the Redis connection. */
  close(): void {
    this.#redis.disconnect();
  }

  /** Replaces a reservation with the real cost. */
  async settle(keyId: string, periodStart: number, reserved: number, cost: number): Promise<void> {
    await this.#redis.switchyardSettle(this.#budgetKey(keyId, periodStart), reserved, cost);
  }
}
