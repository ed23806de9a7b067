/**
 * User-defined metrics, the shape of Flink's `getRuntimeContext().getMetricGroup()`: a function
 * registers its metrics in `open` and updates them per record. Each subtask has its own; the REST
 * API and `/metrics` show them per subtask.
 *
 * @example
 * open(ctx) {
 *   this.seen = ctx.getMetricGroup().counter('seenOrders');
 *   this.size = ctx.getMetricGroup().histogram('orderSize');
 *   ctx.getMetricGroup().gauge('cacheEntries', () => this.cache.size);
 * },
 * processElement(o, ctx, out) { this.seen.inc(); this.size.update(o.items.length); out.collect(o); },
 */
export interface MetricGroup {
  /** A counter, created on first use; the same name gives the same counter. */
  counter(name: string): Counter;
  /** A value read when metrics are reported (not per record); must be cheap and must not throw. */
  gauge(name: string, read: () => number): void;
  /**
   * A histogram over the last `windowSize` values (default 1024), as Flink's
   * `DescriptiveStatisticsHistogram`: count, min, max, mean, standard deviation and quantiles.
   */
  histogram(name: string, windowSize?: number): Histogram;
  /** Events and their rate per second over the last minute (Flink's `MeterView(60)`). */
  meter(name: string): Meter;
  /** A subgroup: its metrics are named `<group>_<name>`. */
  addGroup(name: string): MetricGroup;
}

export interface Counter {
  inc(n?: number): void;
  dec(n?: number): void;
  getCount(): number;
}

export interface Histogram {
  update(value: number): void;
  /** Values recorded since the start (not only those in the window). */
  getCount(): number;
  getStatistics(): HistogramStatistics;
}

export interface HistogramStatistics {
  /** Values in the window the statistics are computed over. */
  readonly size: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stdDev: number;
  /** The value below which fraction `q` (0..1) of the window's values fall (linear interpolation). */
  quantile(q: number): number;
}

export interface Meter {
  markEvent(n?: number): void;
  /** Events per second over the last minute (over the time since the first event, before a minute has passed). */
  getRate(): number;
  getCount(): number;
}
