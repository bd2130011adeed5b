const SEP = '\u0001';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], key: string, extra = ''): string {
  if (names.length === 0) return extra ? `{${extra}}` : '';
  const values = key.split(SEP);
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return `{${parts.join(',')}}`;
}

/** One metric's values, to add to another process's (`switchyard start --workers`). */
export type MetricSnapshot =
  | { readonly type: 'counter'; readonly name: string; readonly series: [string, number][] }
  | { readonly type: 'gauge'; readonly name: string; readonly value: number }
  | { readonly type: 'state'; readonly name: string; readonly series: [string, number][] }
  | {
      readonly type: 'histogram';
      readonly name: string;
      /** Series key, per-bucket (not cumulative) counts, sum, count. */
      readonly series: [string, number[], number, number][];
    };

/** Every metric of a {@link Registry}, as plain data (structured-clone and JSON safe). */
export type RegistrySnapshot = readonly MetricSnapshot[];

interface Metric {
  readonly name: string;
  render(out: string[]): void;
  snapshot(): MetricSnapshot;
  /** Adds another process's values of this metric to this one's. */
  absorb(snapshot: MetricSnapshot): void;
}

/**
 * Maps the values of some labels before they make a series (by label name), so that labels fed
 * from client input stay a bounded set: e.g. unknown model names become `other`.
 */
export type LabelBounds = Readonly<Record<string, (value: string) => string>>;

/** The series key of a label set: the values, bounded where {@link LabelBounds} says, joined. */
class SeriesKey {
  readonly #bounds: readonly (((value: string) => string) | undefined)[];
  readonly #bounded: boolean;

  constructor(labelNames: readonly string[], bounds: LabelBounds | undefined) {
    this.#bounds = labelNames.map((name) => bounds?.[name]);
    this.#bounded = this.#bounds.some((bound) => bound !== undefined);
  }

  of(labels: readonly string[]): string {
    if (!this.#bounded) return labels.join(SEP);
    return labels.map((value, i) => this.#bounds[i]?.(value) ?? value).join(SEP);
  }
}

/** A monotonically increasing value per label set. */
export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  readonly #key: SeriesKey;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
    bounds?: LabelBounds,
  ) {
    this.#key = new SeriesKey(labelNames, bounds);
  }

  inc(labels: readonly string[] = [], by = 1): void {
    const key = this.#key.of(labels);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  value(labels: readonly string[] = []): number {
    return this.#values.get(this.#key.of(labels)) ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const [key, v] of this.#values) out.push(`${this.name}${labelText(this.labelNames, key)} ${v}`);
  }

  snapshot(): MetricSnapshot {
    return { type: 'counter', name: this.name, series: [...this.#values] };
  }

  absorb(snapshot: MetricSnapshot): void {
    if (snapshot.type !== 'counter') return;
    for (const [key, v] of snapshot.series) this.#values.set(key, (this.#values.get(key) ?? 0) + v);
  }
}

/** A value that goes up and down. */
export class Gauge implements Metric {
  #value = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(by = 1): void {
    this.#value += by;
  }
  dec(by = 1): void {
    this.#value -= by;
  }
  get value(): number {
    return this.#value;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.#value}`);
  }

  snapshot(): MetricSnapshot {
    return { type: 'gauge', name: this.name, value: this.#value };
  }

  /** Adds: an amount (streams in flight) summed over processes. */
  absorb(snapshot: MetricSnapshot): void {
    if (snapshot.type === 'gauge') this.#value += snapshot.value;
  }
}

/** A settable value per label set: a state (merged across processes by its highest value). */
export class LabelledGauge implements Metric {
  readonly #values = new Map<string, number>();
  readonly #key: SeriesKey;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    bounds?: LabelBounds,
  ) {
    this.#key = new SeriesKey(labelNames, bounds);
  }

  set(labels: readonly string[], value: number): void {
    this.#values.set(this.#key.of(labels), value);
  }

  value(labels: readonly string[]): number | undefined {
    return this.#values.get(this.#key.of(labels));
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    for (const [key, v] of this.#values) out.push(`${this.name}${labelText(this.labelNames, key)} ${v}`);
  }

  snapshot(): MetricSnapshot {
    return { type: 'state', name: this.name, series: [...this.#values] };
  }

  absorb(snapshot: MetricSnapshot): void {
    if (snapshot.type !== 'state') return;
    for (const [key, v] of snapshot.series) this.#values.set(key, Math.max(this.#values.get(key) ?? v, v));
  }
}

interface Series {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** Cumulative-bucket histogram per label set (Prometheus semantics). */
export class Histogram implements Metric {
  readonly #series = new Map<string, Series>();
  readonly #key: SeriesKey;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
    bounds?: LabelBounds,
  ) {
    this.#key = new SeriesKey(labelNames, bounds);
  }

  observe(labels: readonly string[], value: number): void {
    const s = this.#seriesOf(this.#key.of(labels));
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) {
        s.counts[i] = (s.counts[i] as number) + 1;
        break;
      }
    }
    s.sum += value;
    s.count += 1;
  }

  count(labels: readonly string[]): number {
    return this.#series.get(this.#key.of(labels))?.count ?? 0;
  }

  #seriesOf(key: string): Series {
    let s = this.#series.get(key);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    return s;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`);
    for (const [key, s] of this.#series) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += s.counts[i] as number;
        out.push(
          `${this.name}_bucket${labelText(this.labelNames, key, `le="${this.buckets[i]}"`)} ${cumulative}`,
        );
      }
      out.push(`${this.name}_bucket${labelText(this.labelNames, key, 'le="+Inf"')} ${s.count}`);
      out.push(`${this.name}_sum${labelText(this.labelNames, key)} ${s.sum}`);
      out.push(`${this.name}_count${labelText(this.labelNames, key)} ${s.count}`);
    }
  }

  snapshot(): MetricSnapshot {
    return {
      type: 'histogram',
      name: this.name,
      series: [...this.#series].map(([key, s]) => [key, [...s.counts], s.sum, s.count]),
    };
  }

  absorb(snapshot: MetricSnapshot): void {
    if (snapshot.type !== 'histogram') return;
    for (const [key, counts, sum, count] of snapshot.series) {
      const s = this.#seriesOf(key);
      for (let i = 0; i < this.buckets.length; i++) s.counts[i] = (s.counts[i] as number) + (counts[i] ?? 0);
      s.sum += sum;
      s.count += count;
    }
  }
}

/** Renders metrics in the Prometheus text exposition format (version 0.0.4). */
export class Registry {
  readonly #metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }

  render(): string {
    const out: string[] = [];
    for (const m of this.#metrics) m.render(out);
    return `${out.join('\n')}\n`;
  }

  /** Every metric's values, to add to another registry of the same metrics ({@link absorb}). */
  snapshot(): RegistrySnapshot {
    return this.#metrics.map((m) => m.snapshot());
  }

  /** Adds another process's values (its {@link snapshot}) to these, metric by metric (by name). */
  absorb(snapshot: RegistrySnapshot): void {
    const byName = new Map(snapshot.map((m) => [m.name, m]));
    for (const m of this.#metrics) {
      const other = byName.get(m.name);
      if (other) m.absorb(other);
    }
  }
}
