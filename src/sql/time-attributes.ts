import type { Query } from './ast.js';
import { isAggregating } from './aggregate-planner.js';
import type { PlanContext } from './calc-planner.js';
import { columnName, hasOver } from './expr-rewrite.js';

/**
 * The event-time attributes among the columns of a query's FROM rows: a table's `WATERMARK FOR`
 * column, carried through views, subqueries and window table functions (which add `window_time`)
 * by columns that select it unchanged. OVER windows, deduplication and ORDER BY in streaming
 * order by them, as Flink's time attributes.
 */
export function timeAttributes(q: Query, ctx: PlanContext): Set<string> {
  const from = q.from;
  if (from === undefined) return new Set();
  if ('kind' in from && from.kind === 'windowTvf') {
    const entry = ctx.catalog.lookup(from.table, ctx.sql);
    return new Set([...(entry.kind === 'table' && entry.watermark ? [entry.watermark.column] : []), 'window_time']);
  }
  // A join's output keeps no time attribute here (OVER and ORDER BY over a join need one).
  if ('kind' in from && from.kind === 'join') return new Set();
  if ('kind' in from) return outputTimeAttributes(from, ctx);
  const entry = ctx.catalog.lookup(from.name, ctx.sql);
  if (entry.kind === 'view') return outputTimeAttributes(entry.query, { ...ctx, sql: entry.sql });
  return new Set(entry.watermark ? [entry.watermark.column] : []);
}

/** The event-time attributes among a query's output columns. */
export function outputTimeAttributes(q: Query, ctx: PlanContext): Set<string> {
  // A window aggregation's window_time stays a time attribute; other aggregations end event time.
  const within = isAggregating(q) && !hasOver(q) ? new Set(['window_time']) : timeAttributes(q, ctx);
  const out = new Set<string>();
  for (const it of q.items) {
    if (it.expr.kind === 'star') for (const a of within) out.add(a);
    const name = columnName(it.expr);
    if (name !== undefined && within.has(name)) out.add(it.alias ?? name);
  }
  return out;
}
