import type { Metric, MetricValueWithName } from 'prom-client';

interface Series {
  labels: { method: string; route: string; status_code: number };
  /** observations per bucket, not cumulative (the last slot: above every bound) */
  counts: Float64Array;
  sum: number;
}

/**
 * The request-latency histogram, counted by Tillpoint and handed to prom-client only when
 * /metrics is scraped. prom-client's `Histogram.observe(labels, v)` validates the label object,
 * hashes it into a key and builds a closure on every call — about a third of the fixed cost
 * every request paid in the onResponse hook (docs/architecture.md, "Per-request cost"); here a
 * request costs one string key, one map look-up and a bucket scan. The exposition is
 * prom-client's own (`registry.metrics()` renders what `get` returns), byte for byte what the
 * Histogram wrote: `le` first, cumulative buckets, `+Inf`, `_sum` and `_count`.
 */
export class RequestHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${statusCode} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { method, route, status_code: statusCode }, counts: new Float64Array(this.buckets.length + 1), sum: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]!) i++;
    s.counts[i]! += 1;
    s.sum += seconds;
  }

  /**
   * What prom-client's registry renders (called at scrape): its `MetricObjectWithValues`, whose
   * declared `type` is a numeric enum where the registry reads the string ('histogram').
   */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValueWithName<string>[] }> {
    const values: MetricValueWithName<string>[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: this.buckets[i]!, ...s.labels }, value: cumulative });
      }
      cumulative += s.counts[this.buckets.length]!;
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: cumulative });
      values.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }

  /** For `Registry.registerMetric`, whose type names prom-client's own classes only; it reads name, type, get and reset. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
