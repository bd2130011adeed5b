import { describe, expect, it } from 'vitest';
import { type BreakerState, CircuitBreaker } from './circuit-breaker.js';

function setup(threshold = 3) {
  let now = 1_000;
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: threshold,
    cooldownMs: 100,
    maxCooldownMs: 250,
    now: () => now,
    onStateChange: (state) => changes.push(state),
  });
  return { breaker, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, and a success resets the count', () => {
    const { breaker, changes } = setup(3);
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
    expect(breaker.retryAfterMs).toBe(100);
    expect(changes).toEqual(['open']);
  });

  it('lets exactly one probe through after the cooldown, and closes when it succeeds', () => {
    const { breaker, changes, advance } = setup(1);
    breaker.failure();
    advance(99);
    expect(breaker.allow()).toBe(false);
    advance(1);
    expect(breaker.state).toBe('half_open');
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens with a doubled cooldown (capped) when the probe fails', () => {
    const { breaker, advance } = setup(1);
    breaker.failure();
    advance(100);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.retryAfterMs).toBe(200);
    advance(200);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.retryAfterMs).toBe(250);
    advance(250);
    expect(breaker.allow()).toBe(true);
    breaker.success();
    breaker.failure();
    expect(breaker.retryAfterMs).toBe(100);
  });

  it('frees the probe slot when the probe is cancelled', () => {
    const { breaker, advance } = setup(1);
    breaker.failure();
    advance(100);
    expect(breaker.allow()).toBe(true);
    breaker.cancel();
    expect(breaker.allow()).toBe(true);
  });
});

describe('CircuitBreaker.adopt (a state decided by another gateway instance)', () => {
  it('opens with the time left it is given, doubles from the adopted cooldown, and closes with the base cooldown', () => {
    const { breaker, changes, advance } = setup(3);
    breaker.failure();
    breaker.adopt({ state: 'open', cooldownMs: 200, retryAfterMs: 150 });
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfterMs).toBe(150);
    advance(150);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.retryAfterMs).toBe(250); // 400, capped
    breaker.adopt({ state: 'closed' });
    expect(breaker.allow()).toBe(true);
    // The failure before the adopted open no longer counts; the cooldown is back to 100.
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.retryAfterMs).toBe(100);
    expect(changes).toEqual(['open', 'half_open', 'open', 'closed', 'open']);
  });
});
