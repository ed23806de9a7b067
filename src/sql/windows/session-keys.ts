import type { Query, WindowTvf } from '../ast.js';
import { SqlError } from '../sql-error.js';

const WINDOW_COLUMNS = new Set(['window_start', 'window_end', 'window_time']);

/**
 * SESSION windows run per group of the window aggregation (the runtime's merging session windows
 * are keyed), so the GROUP BY columns besides the window's must be the PARTITION BY columns: sessions
 * per partition, as Flink's. Without PARTITION BY, one session stream over all rows, so no other
 * GROUP BY column.
 */
export function checkSessionKeys(tvf: WindowTvf, q: Query, sql: string): void {
  const partition = [...(tvf.partitionBy ?? [])].sort();
  const grouped = (q.groupBy ?? [])
    .map((g) => (g.kind === 'column' ? g.name.parts[g.name.parts.length - 1]! : '<expression>'))
    .filter((n) => !WINDOW_COLUMNS.has(n))
    .sort();
  if (partition.join('\u0000') !== grouped.join('\u0000'))
    throw new SqlError(
      `SESSION windows: GROUP BY must list window_start, window_end and the PARTITION BY columns (${partition.join(', ') || 'none'}), and no other column yet; found ${grouped.join(', ') || 'none'}`,
      tvf.pos,
      sql,
    );
}
