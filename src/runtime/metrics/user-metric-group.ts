import { WeirError } from '../../core/errors.js';
import type { Counter, Histogram, HistogramStatistics, Meter, MetricGroup } from '../../core/metric-group.js';
import type { UserMetricSample } from '../../graph/job-executor.js';

/** The quantiles a histogram reports, as Flink's Prometheus reporter exports them. */
export const HISTOGRAM_QUANTILES = [0.5, 0.75, 0.95, 0.98, 0.99, 0.999] as const;

const DEFAULT_WINDOW = 1024;
/** A meter's rate is over this long (Flink's `MeterView` default, 60 s). */
const METER_SPAN_MS = 60_000;

class SimpleCounter implements Counter {
  count = 0;
  inc(n = 1): void {
    this.count += n;
  }
  dec(n = 1): void {
    this.count -= n;
  }
  getCount(): number {
    return this.count;
  }
}

/** The last `window` values in a ring; statistics are computed when read, not per update. */
class WindowHistogram implements Histogram {
  private readonly values: Float64Array;
  private count = 0;
  /** The sum of every value recorded, for a summary's `_sum`. */
  sum = 0;

  constructor(window: number) {
    this.values = new Float64Array(window);
  }
  update(value: number): void {
    this.values[this.count % this.values.length] = value;
    this.count++;
    this.sum += value;
  }
  getCount(): number {
    return this.count;
  }
  getStatistics(): HistogramStatistics {
    const n = Math.min(this.count, this.values.length);
    const sorted = this.values.slice(0, n).sort();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sorted[i]!;
    const mean = n > 0 ? sum / n : 0;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (sorted[i]! - mean) ** 2;
    return {
      size: n,
      min: n > 0 ? sorted[0]! : 0,
      max: n > 0 ? sorted[n - 1]! : 0,
      mean,
      stdDev: n > 1 ? Math.sqrt(sq / (n - 1)) : 0,
      quantile(q: number): number {
        if (n === 0) return 0;
        const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, n - 1);
        return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
      },
    };
  }
}

/** Counts events; the rate is taken over the last minute from counts remembered when it is read. */
class RateMeter implements Meter {
  private count = 0;
  private readonly history: { at: number; count: number }[];

  constructor(now: number) {
    this.history = [{ at: now, count: 0 }];
  }
  markEvent(n = 1): void {
    this.count += n;
  }
  getCount(): number {
    return this.count;
  }
  getRate(now = performance.now()): number {
    const h = this.history;
    if (now - h[h.length - 1]!.at >= 1000) h.push({ at: now, count: this.count });
    // Keep one sample at least a minute old as the base, and nothing older.
    while (h.length > 2 && now - h[1]!.at >= METER_SPAN_MS) h.shift();
    const base = h[0]!;
    return now > base.at ? ((this.count - base.count) * 1000) / (now - base.at) : 0;
  }
}

type Entry =
  | { readonly type: 'counter'; readonly metric: SimpleCounter }
  | { readonly type: 'gauge'; read: () => number }
  | { readonly type: 'histogram'; readonly metric: WindowHistogram }
  | { readonly type: 'meter'; readonly metric: RateMeter };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The user-defined metrics of one operator subtask, behind the {@link MetricGroup} its functions
 * see. Updates are plain field writes on the record path; {@link samples} reads them when metrics
 * are reported (a REST request, a scrape, a slot's report).
 */
export class UserMetrics {
  private readonly entries = new Map<string, Entry>();
  readonly group: MetricGroup;

  constructor(private readonly operatorName: string) {
    this.group = this.groupWith('');
  }

  private groupWith(prefix: string): MetricGroup {
    const self = this;
    return {
      counter: (name) => self.get(prefix + name, 'counter', () => ({ type: 'counter', metric: new SimpleCounter() })).metric,
      gauge: (name, read) => {
        const e = self.get(prefix + name, 'gauge', () => ({ type: 'gauge', read }));
        e.read = read;
      },
      histogram: (name, window = DEFAULT_WINDOW) => {
        if (!Number.isInteger(window) || window < 1)
          throw new WeirError(`Histogram '${prefix + name}' of operator '${self.operatorName}': window ${window} is not a whole number >= 1`);
        return self.get(prefix + name, 'histogram', () => ({ type: 'histogram', metric: new WindowHistogram(window) })).metric;
      },
      meter: (name) => self.get(prefix + name, 'meter', () => ({ type: 'meter', metric: new RateMeter(performance.now()) })).metric,
      addGroup: (name) => {
        self.checkName(name);
        return self.groupWith(`${prefix}${name}_`);
      },
    };
  }

  private checkName(name: string): void {
    if (!NAME.test(name))
      throw new WeirError(
        `Metric name '${name}' of operator '${this.operatorName}' is not a name Prometheus takes: letters, digits and '_', not starting with a digit`,
      );
  }

  private get<T extends Entry['type']>(name: string, type: T, make: () => Extract<Entry, { type: T }>): Extract<Entry, { type: T }> {
    this.checkName(name);
    const e = this.entries.get(name);
    if (e === undefined) {
      const made = make();
      this.entries.set(name, made);
      return made;
    }
    if (e.type !== type) throw new WeirError(`Metric '${name}' of operator '${this.operatorName}' is a ${e.type}, not a ${type}`);
    return e as Extract<Entry, { type: T }>;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The metrics' current values, for subtask `subtask`. */
  samples(subtask: number, now = performance.now()): UserMetricSample[] {
    const out: UserMetricSample[] = [];
    for (const [name, e] of this.entries) {
      switch (e.type) {
        case 'counter':
          out.push({ name, type: 'counter', subtask, value: e.metric.count });
          break;
        case 'gauge': {
          let value: number;
          try {
            value = Number(e.read());
          } catch {
            value = NaN;
          }
          out.push({ name, type: 'gauge', subtask, value });
          break;
        }
        case 'meter':
          out.push({ name, type: 'meter', subtask, value: e.metric.getRate(now), count: e.metric.getCount() });
          break;
        case 'histogram': {
          const s = e.metric.getStatistics();
          const quantiles: Record<string, number> = {};
          for (const q of HISTOGRAM_QUANTILES) quantiles[String(q)] = s.quantile(q);
          out.push({
            name,
            type: 'histogram',
            subtask,
            value: e.metric.getCount(),
            histogram: { size: s.size, sum: e.metric.sum, min: s.min, max: s.max, mean: s.mean, stdDev: s.stdDev, quantiles },
          });
          break;
        }
      }
    }
    return out;
  }
}
