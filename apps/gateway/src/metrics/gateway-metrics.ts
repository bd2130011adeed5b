import { Counter, Gauge, Histogram, type LabelBounds, LabelledGauge, Registry } from './prometheus.js';

const BREAKER_STATES = { closed: 0, open: 1, half_open: 2 } as const;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/** How model and deployment names become label values (see {@link GatewayMetrics.boundNames}). */
export interface NameLabels {
  modelLabel(name: string): string;
  deploymentLabel(id: string): string;
}

/** The gateway's Prometheus metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  #names: NameLabels | undefined;
  // `none` (no deployment answered) is not a name.
  readonly #bounds: LabelBounds = {
    model: (name) => this.#names?.modelLabel(name) ?? name,
    deployment: (id) => (id === 'none' ? id : (this.#names?.deploymentLabel(id) ?? id)),
  };
  readonly requests = this.registry.register(
    new Counter(
      'switchyard_requests_total',
      'Chat completion requests by outcome.',
      ['model', 'deployment', 'status'],
      this.#bounds,
    ),
  );
  readonly latency = this.registry.register(
    new Histogram(
      'switchyard_request_duration_seconds',
      'Total request latency.',
      ['model', 'deployment', 'status'],
      LATENCY_BUCKETS,
      this.#bounds,
    ),
  );
  readonly ttft = this.registry.register(
    new Histogram(
      'switchyard_time_to_first_token_seconds',
      'Time to the first streamed chunk.',
      ['model', 'deployment'],
      LATENCY_BUCKETS,
      this.#bounds,
    ),
  );
  readonly tokens = this.registry.register(
    new Counter('switchyard_tokens_total', 'Tokens by kind.', ['model', 'deployment', 'kind'], this.#bounds),
  );
  readonly cost = this.registry.register(
    new Counter('switchyard_cost_usd_total', 'Cost in USD.', ['model'], this.#bounds),
  );
  readonly upstreamErrors = this.registry.register(
    new Counter(
      'switchyard_upstream_errors_total',
      'Failed upstream attempts.',
      ['deployment', 'code'],
      this.#bounds,
    ),
  );
  readonly rejections = this.registry.register(
    new Counter(
      'switchyard_rejections_total',
      'Requests refused: limits, budgets, auth, or invalid input (by error code).',
      ['reason'],
    ),
  );
  readonly overloadRefusals = this.registry.register(
    new Counter(
      'switchyard_overload_refusals_total',
      'Requests answered 503 overloaded before being read (server.admission), by cause: in_flight, event_loop_delay or event_loop_utilization.',
      ['cause'],
    ),
  );
  readonly keyLookups = this.registry.register(
    new Counter(
      'switchyard_key_lookups_total',
      'API keys unknown to this instance, by how they were settled: found or not_found in the shared store, or refused without a lookup (negative_cached, throttled), or error (store unreachable: 503).',
      ['result'],
    ),
  );
  readonly clientErrors = this.registry.register(
    new Counter(
      'switchyard_client_errors_total',
      'Connections refused before a request was read: request_timeout (slowloris), bad_request (not HTTP), headers_too_large, chunk_extensions_too_large.',
      ['reason'],
    ),
  );
  readonly inflightStreams = this.registry.register(
    new Gauge('switchyard_inflight_streams', 'Streams being served right now.'),
  );
  readonly breakers = this.registry.register(
    new LabelledGauge(
      'switchyard_circuit_breaker_state',
      'Circuit breaker per deployment: 0 closed, 1 open, 2 half-open.',
      ['deployment'],
      this.#bounds,
    ),
  );
  readonly cacheRequests = this.registry.register(
    new Counter(
      'switchyard_cache_requests_total',
      'Chat completions by response cache outcome: hit, miss, or bypass (no-store, not cacheable).',
      ['result'],
    ),
  );
  readonly overhead = this.registry.register(
    new Histogram(
      'switchyard_gateway_overhead_seconds',
      'Time the gateway itself added.',
      [],
      OVERHEAD_BUCKETS,
    ),
  );

  /**
   * Bounds the `model` and `deployment` labels: names the policy does not know (client-chosen,
   * never proved real) are counted under one label instead of a series each. Unbound, every name
   * is its own label.
   */
  boundNames(names: NameLabels): void {
    this.#names = names;
  }

  /** Records the time the gateway added to one request. */
  observeOverhead(ms: number): void {
    this.overhead.observe([], ms / 1000);
  }

  /** Counts one failed upstream attempt, including those a fallback recovered. */
  upstreamError(attempt: { deployment: string; provider?: string; code: string }): void {
    this.upstreamErrors.inc([attempt.deployment, attempt.code]);
  }

  streamStarted(): void {
    this.inflightStreams.inc();
  }

  streamEnded(): void {
    this.inflightStreams.dec();
  }

  breakerState(change: { deployment: string; state: 'closed' | 'open' | 'half_open' }): void {
    this.breakers.set([change.deployment], BREAKER_STATES[change.state]);
  }

  render(): string {
    return this.registry.render();
  }
}
