import type { Sink } from '../../src/core/sink.js';
import { RowKind } from '../../src/core/row-kind.js';

/** What the lag sink saw: row changes (every kind but -U, so an update counts once), and lags. */
export class LagStats {
  changes = 0;
  firstAt = 0;
  lastAt = 0;
  readonly lags: number[] = [];

  /** The `q` quantile (0..1) of the lags, in ms. */
  quantile(q: number): number {
    if (this.lags.length === 0) return NaN;
    const sorted = Float64Array.from(this.lags).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }
}

/**
 * Counts the row changes reaching it and, for inserted and updated rows, the time since the writer
 * stamped them (column `t`, wall-clock ms; 0 for rows the writer did not touch).
 */
export function lagSink(stats: LagStats): Sink<Record<string, unknown>> {
  return {
    name: 'LagSink',
    inputChangelogMode: 'all',
    createWriter: () => ({
      write(batch) {
        const now = Date.now();
        const kinds = batch.kinds;
        let n = 0;
        for (let i = 0; i < batch.values.length; i++) {
          const kind = kinds ? kinds[i]! : RowKind.INSERT;
          if (kind === RowKind.UPDATE_BEFORE) continue;
          n++;
          if (kind === RowKind.DELETE) continue;
          const t = Number(batch.values[i]!.t);
          if (t > 0) stats.lags.push(now - t);
        }
        if (n === 0) return;
        if (stats.changes === 0) stats.firstAt = now;
        stats.changes += n;
        stats.lastAt = now;
      },
    }),
  };
}
