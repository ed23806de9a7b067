import type { Expr } from './ast.js';
import { boundOf, timeBounds } from './join-conditions.js';
import { fieldOf, sidesOf, type Relation } from './join-relation.js';
import { SqlError } from './sql-error.js';

/**
 * The keys of a window join, when `keys` equate window_start and window_end of two window table
 * functions with the same windows: the other equalities, and the bound equalities (for the plan).
 */
export function windowJoinOf(keys: readonly [Expr, Expr, Expr][], l: Relation, r: Relation): { keys: [Expr, Expr, Expr][]; bounds: Expr[] } | undefined {
  const lw = l.window;
  const rw = r.window;
  if (!lw || !rw || lw.fn !== rw.fn || lw.intervals.join() !== rw.intervals.join()) return undefined;
  const field = (e: Expr, rel: Relation) => (e.kind === 'column' ? fieldOf(rel, e.name.parts) : undefined);
  const isBound = ([a, b]: [Expr, Expr, Expr], which: 'start' | 'end') => field(a, l) === lw[which] && field(b, r) === rw[which];
  const start = keys.findIndex((k) => isBound(k, 'start'));
  const end = keys.findIndex((k) => isBound(k, 'end'));
  if (start < 0 || end < 0) return undefined;
  const bounds = [keys[start]![2], keys[end]![2]];
  return { keys: keys.filter((_k, i) => i !== start && i !== end), bounds };
}

/**
 * The bounds a condition sets on `right.ts - left.ts`, when it compares an event-time attribute of
 * each input (plus or minus intervals); undefined for any other condition.
 */
export function timeBoundOf(c: Expr, l: Relation, r: Relation, sql: string): { lower: number; upper: number; fields: [string, string] } | undefined {
  const bounds = timeBounds(c);
  if (!bounds) return undefined;
  let lower = -Infinity;
  let upper = Infinity;
  let fields: [string, string] | undefined;
  for (const { a, op, b } of bounds) {
    const sa = sidesOf(a.column, l, r, sql);
    const sb = sidesOf(b.column, l, r, sql);
    if (!((sa === 'L' && sb === 'R') || (sa === 'R' && sb === 'L'))) return undefined;
    const [lt, rt] = sa === 'L' ? [a, b] : [b, a];
    const lf = fieldOf(l, lt.column.name.parts);
    const rf = fieldOf(r, rt.column.name.parts);
    if (!lf || !rf || !l.timeAttributes.has(lf) || !r.timeAttributes.has(rf)) return undefined;
    if (fields && (fields[0] !== lf || fields[1] !== rf)) return undefined;
    fields = [lf, rf];
    const bound = boundOf(sa === 'L', op, a.offset, b.offset);
    if (bound.lower !== undefined) lower = Math.max(lower, bound.lower);
    if (bound.upper !== undefined) upper = Math.min(upper, bound.upper);
  }
  return fields && { lower, upper, fields };
}

/**
 * The interval `timed` bounds `right.ts - left.ts` to, when its conditions bound it from both sides
 * over one time attribute per input: the join is then an interval join.
 */
export function intervalOf(
  timed: readonly NonNullable<ReturnType<typeof timeBoundOf>>[],
  at: Expr | undefined,
  sql: string,
): { lower: number; upper: number } | undefined {
  if (timed.length === 0) return undefined;
  const [lf, rf] = timed[0]!.fields;
  if (timed.some((t) => t.fields[0] !== lf || t.fields[1] !== rf)) return undefined;
  const lower = Math.max(...timed.map((t) => t.lower));
  const upper = Math.min(...timed.map((t) => t.upper));
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return undefined;
  if (lower > upper) throw new SqlError(`The time bounds of this interval join leave no interval (${lower} ms to ${upper} ms)`, at?.pos, sql);
  return { lower, upper };
}
