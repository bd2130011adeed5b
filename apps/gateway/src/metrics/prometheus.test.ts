import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './gateway-metrics.js';

/** One worker's metrics after some traffic. */
function worker(requests: number, streams: number, breaker: 'closed' | 'open'): GatewayMetrics {
  const m = new GatewayMetrics();
  for (let i = 0; i < requests; i++) {
    m.requests.inc(['gpt', 'mock/gpt', '200']);
    m.latency.observe(['gpt', 'mock/gpt', '200'], 0.02);
  }
  for (let i = 0; i < streams; i++) m.streamStarted();
  m.breakerState({ deployment: 'mock/gpt', state: breaker });
  return m;
}

describe('Registry snapshot and absorb (the metrics of --workers N)', () => {
  it('sums counters, histogram buckets and in-flight gauges, and keeps the worst breaker state', () => {
    const sum = new GatewayMetrics();
    // Through JSON, as the snapshots cross the cluster's IPC channel.
    for (const w of [worker(3, 1, 'closed'), worker(4, 2, 'open')])
      sum.registry.absorb(JSON.parse(JSON.stringify(w.registry.snapshot())));
    const text = sum.render();
    expect(text).toContain('switchyard_requests_total{model="gpt",deployment="mock/gpt",status="200"} 7');
    expect(text).toContain(
      'switchyard_request_duration_seconds_bucket{model="gpt",deployment="mock/gpt",status="200",le="0.025"} 7',
    );
    expect(text).toContain(
      'switchyard_request_duration_seconds_count{model="gpt",deployment="mock/gpt",status="200"} 7',
    );
    expect(text).toContain('switchyard_inflight_streams 3');
    expect(text).toContain('switchyard_circuit_breaker_state{deployment="mock/gpt"} 1');
  });

  it('renders the sum of one snapshot as that worker renders itself', () => {
    const one = worker(2, 1, 'open');
    const sum = new GatewayMetrics();
    sum.registry.absorb(one.registry.snapshot());
    expect(sum.render()).toBe(one.render());
  });
});
