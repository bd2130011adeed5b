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

interface Metric {
  render(out: string[]): void;
}

/** A monotonically increasing value per label set. */
export class Counter implements Metric {
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  inc(labels: readonly string[] = [], by = 1): void {
    const key = labels.join(SEP);
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }

  value(labels: readonly string[] = []): number {
    return this.#values.get(labels.join(SEP)) ?? 0;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`);
    for (const [key, v] of this.#values) out.push(`${this.name}${labelText(this.labelNames, key)} ${v}`);
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
}

/** A settable value per label set. */
export class LabelledGauge implements Metric {
  readonly #values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  set(labels: readonly string[], value: number): void {
    this.#values.set(labels.join(SEP), value);
  }

  value(labels: readonly string[]): number | undefined {
    return this.#values.get(labels.join(SEP));
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    for (const [key, v] of this.#values) out.push(`${this.name}${labelText(this.labelNames, key)} ${v}`);
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
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  observe(labels: readonly string[], value: number): void {
    const key = labels.join(SEP);
    let s = this.#series.get(key);
    if (!s) {
      s = { counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
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
    return this.#series.get(labels.join(SEP))?.count ?? 0;
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
}
