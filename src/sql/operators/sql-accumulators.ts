import type { Row } from './calc-operator.js';
import { divHalfUp } from '../types/decimal.js';
import type { AggregateFunction } from '../functions/user-aggregate-function.js';

/** The aggregate functions of this version, as small codes the accumulate loop switches on. */
/** `MinInsert`/`MaxInsert`: over an insert-only input, where nothing is taken back, the value alone. */
/** `First`/`Last`/`ListAgg` keep the values in arrival order (so rows can be taken back); `FirstInsert`/`LastInsert` the value alone. */
/** `SumDecimal`/`AvgDecimal`: DECIMAL values are bigints (the value times 10^scale), summed exactly. */
export const AggCode = {
  CountStar: 0,
  Count: 1,
  CountDistinct: 2,
  Sum: 3,
  Avg: 4,
  Min: 5,
  Max: 6,
  MinInsert: 7,
  MaxInsert: 8,
  First: 9,
  Last: 10,
  FirstInsert: 11,
  LastInsert: 12,
  ListAgg: 13,
  SumDecimal: 14,
  AvgDecimal: 15,
  /** An aggregate function written in TypeScript ({@link AggCall.udaf}). */
  User: 16,
} as const;
export type AggCode = (typeof AggCode)[keyof typeof AggCode];

/**
 * One aggregate call of a query, compiled: `COUNT(DISTINCT x) FILTER (WHERE y > 0)` is
 * `{ code: CountDistinct, arg: r => r.x, filter: r => r.y > 0 === true }`.
 */
export interface AggCall {
  readonly code: AggCode;
  readonly arg: ((r: Row) => unknown) | undefined;
  /** Rows for which it is not true are left out of this call only. */
  readonly filter: ((r: Row) => boolean) | undefined;
  /** SUM/AVG over INT or BIGINT: AVG truncates toward zero, as Flink's does. */
  readonly integral: boolean;
  /** LISTAGG's separator (',' unless given). */
  readonly separator?: string;
  /** AVG of a DECIMAL: the factor from the argument's scale to the result's. */
  readonly avgScale?: bigint;
  /** `User`: the function and its name, and its arguments (any number, NULLs passed on). */
  readonly udaf?: AggregateFunction;
  readonly udafName?: string;
  readonly args?: readonly ((r: Row) => unknown)[];
  /**
   * `SUM(DISTINCT x)`, `AVG(DISTINCT x)`: the slot (past the calls' own) of a Map value -> rows; a
   * value reaches the call's accumulator when its count goes from 0 to 1 and leaves it when the
   * count falls back to 0, so rows can be taken back.
   */
  readonly distinctSlot?: number;
}

/**
 * Accumulators are plain data (numbers, arrays, Maps) so that state snapshots keep them: COUNT a
 * number, SUM and AVG `[sum, n]`, COUNT(DISTINCT) a Map value -> rows, MIN and MAX
 * `[Map value -> rows, best]`. The maps make every one of them retractable: a MIN whose value is
 * taken back finds the next one in the map. Over an insert-only input MIN and MAX keep the value alone.
 */
export function createAccs(calls: readonly AggCall[]): unknown[] {
  const accs = new Array<unknown>(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const slot = calls[i]!.distinctSlot;
    if (slot !== undefined) accs[slot] = new Map();
    accs[i] = createAcc(calls[i]!);
  }
  return accs;
}

function createAcc(call: AggCall): unknown {
  const c = call.code;
  return c === AggCode.User
    ? call.udaf!.createAccumulator()
    : c === AggCode.CountStar || c === AggCode.Count
      ? 0
      : c === AggCode.MinInsert || c === AggCode.MaxInsert || c === AggCode.FirstInsert || c === AggCode.LastInsert
        ? null
        : c === AggCode.First || c === AggCode.Last || c === AggCode.ListAgg
          ? []
          : c === AggCode.SumDecimal || c === AggCode.AvgDecimal
            ? [0n, 0]
            : c === AggCode.Sum || c === AggCode.Avg
              ? [0, 0]
              : c === AggCode.CountDistinct
                ? new Map()
                : [new Map(), null];
}

/** Adds (`sign` 1) or takes back (`sign` -1) one row in every accumulator. */
export function accumulate(calls: readonly AggCall[], accs: unknown[], row: Row, sign: 1 | -1): void {
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    if (call.filter !== undefined && !call.filter(row)) continue;
    if (call.code === AggCode.CountStar) {
      accs[i] = (accs[i] as number) + sign;
      continue;
    }
    if (call.code === AggCode.User) {
      const udaf = call.udaf!;
      const args = call.args!.map((f) => f(row));
      if (sign === -1 && !udaf.retract) throw new Error(`aggregate function ${call.udafName} has no retract(), which a row taken back needs`);
      const next = sign === 1 ? udaf.accumulate(accs[i], ...args) : udaf.retract!(accs[i], ...args);
      if (next !== undefined) accs[i] = next;
      continue;
    }
    const v = call.arg!(row);
    if (v === null || v === undefined) continue;
    if (call.distinctSlot !== undefined) {
      const n = countIn(accs[call.distinctSlot] as Map<unknown, number>, v, sign);
      if (sign === 1 ? n !== 1 : n !== 0) continue;
    }
    addValue(call, accs, i, v, sign);
  }
}

/** Adds or takes back one non-NULL value in the accumulator of call `i`. */
function addValue(call: AggCall, accs: unknown[], i: number, v: unknown, sign: 1 | -1): void {
  switch (call.code) {
    case AggCode.Count:
      accs[i] = (accs[i] as number) + sign;
      break;
    case AggCode.Sum:
    case AggCode.Avg: {
      const a = accs[i] as [number, number];
      a[0] += sign * (v as number);
      a[1] += sign;
      break;
    }
    case AggCode.CountDistinct:
      countIn(accs[i] as Map<unknown, number>, v, sign);
      break;
    case AggCode.MinInsert:
      if (accs[i] === null || (v as number) < (accs[i] as number)) accs[i] = v;
      break;
    case AggCode.FirstInsert:
      if (accs[i] === null) accs[i] = v;
      break;
    case AggCode.LastInsert:
      accs[i] = v;
      break;
    case AggCode.First:
    case AggCode.Last:
    case AggCode.ListAgg: {
      const a = accs[i] as unknown[];
      if (sign === 1) a.push(v);
      else {
        const at = a.lastIndexOf(v);
        if (at >= 0) a.splice(at, 1);
      }
      break;
    }
    case AggCode.SumDecimal:
    case AggCode.AvgDecimal: {
      const a = accs[i] as [bigint, number];
      a[0] = sign === 1 ? a[0] + (v as bigint) : a[0] - (v as bigint);
      a[1] += sign;
      break;
    }
    case AggCode.MaxInsert:
      if (accs[i] === null || (v as number) > (accs[i] as number)) accs[i] = v;
      break;
    default: {
      const a = accs[i] as [Map<unknown, number>, unknown];
      const left = countIn(a[0], v, sign);
      const min = call.code === AggCode.Min;
      if (sign === 1) {
        if (a[1] === null || (min ? (v as number) < (a[1] as number) : (v as number) > (a[1] as number))) a[1] = v;
      } else if (left === 0 && v === a[1]) a[1] = best(a[0], min);
    }
  }
}

function countIn(m: Map<unknown, number>, v: unknown, sign: 1 | -1): number {
  const n = (m.get(v) ?? 0) + sign;
  if (n <= 0) m.delete(v);
  else m.set(v, n);
  return n;
}

function best(m: Map<unknown, number>, min: boolean): unknown {
  let b: unknown = null;
  for (const v of m.keys()) if (b === null || (min ? (v as number) < (b as number) : (v as number) > (b as number))) b = v;
  return b;
}

/** The results of the calls, in order (a fresh array). */
export function results(calls: readonly AggCall[], accs: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    const a = accs[i];
    switch (call.code) {
      case AggCode.User: {
        const v = call.udaf!.getValue(a);
        out[i] = v === undefined ? null : v;
        break;
      }
      case AggCode.CountStar:
      case AggCode.Count:
      case AggCode.MinInsert:
      case AggCode.MaxInsert:
        out[i] = a;
        break;
      case AggCode.CountDistinct:
        out[i] = (a as Map<unknown, number>).size;
        break;
      case AggCode.FirstInsert:
      case AggCode.LastInsert:
        out[i] = a;
        break;
      case AggCode.First:
      case AggCode.Last: {
        const vs = a as unknown[];
        out[i] = vs.length === 0 ? null : call.code === AggCode.First ? vs[0] : vs[vs.length - 1];
        break;
      }
      case AggCode.ListAgg: {
        const vs = a as unknown[];
        out[i] = vs.length === 0 ? null : vs.join(call.separator ?? ',');
        break;
      }
      case AggCode.SumDecimal:
      case AggCode.AvgDecimal: {
        const [sum, n] = a as [bigint, number];
        out[i] = n === 0 ? null : call.code === AggCode.SumDecimal ? sum : divHalfUp(sum * call.avgScale!, BigInt(n));
        break;
      }
      case AggCode.Sum: {
        const [sum, n] = a as [number, number];
        out[i] = n === 0 ? null : sum;
        break;
      }
      case AggCode.Avg: {
        const [sum, n] = a as [number, number];
        out[i] = n === 0 ? null : call.integral ? Math.trunc(sum / n) : sum / n;
        break;
      }
      default:
        out[i] = (a as [Map<unknown, number>, unknown])[1];
    }
  }
  return out;
}

/** Folds `b` into `a` (for window slices; `b` stays untouched). */
export function mergeAccs(calls: readonly AggCall[], a: unknown[], b: readonly unknown[]): unknown[] {
  for (let i = 0; i < calls.length; i++) {
    const code = calls[i]!.code;
    const slot = calls[i]!.distinctSlot;
    if (slot !== undefined) {
      // A value both sides hold counts once: the accumulator is rebuilt from the merged values.
      const into = a[slot] as Map<unknown, number>;
      for (const [v, n] of b[slot] as Map<unknown, number>) into.set(v, (into.get(v) ?? 0) + n);
      a[i] = createAcc(calls[i]!);
      for (const v of into.keys()) addValue(calls[i]!, a, i, v, 1);
    } else if (code === AggCode.User) {
      const { udaf, udafName } = calls[i]!;
      if (!udaf!.merge) throw new Error(`aggregate function ${udafName} has no merge(), which HOP, CUMULATE and SESSION windows need`);
      const merged = udaf!.merge(a[i], b[i]);
      if (merged !== undefined) a[i] = merged;
    } else if (code === AggCode.CountStar || code === AggCode.Count) a[i] = (a[i] as number) + (b[i] as number);
    // Slices and sessions merge in time order: `a` is the earlier.
    else if (code === AggCode.FirstInsert) a[i] ??= b[i];
    else if (code === AggCode.LastInsert) a[i] = b[i] ?? a[i];
    else if (code === AggCode.First || code === AggCode.Last || code === AggCode.ListAgg) a[i] = [...(a[i] as unknown[]), ...(b[i] as unknown[])];
    else if (code === AggCode.SumDecimal || code === AggCode.AvgDecimal) {
      const x = a[i] as [bigint, number];
      const y = b[i] as [bigint, number];
      x[0] += y[0];
      x[1] += y[1];
    } else if (code === AggCode.MinInsert || code === AggCode.MaxInsert) {
      const y = b[i];
      if (y !== null && (a[i] === null || (code === AggCode.MinInsert ? (y as number) < (a[i] as number) : (y as number) > (a[i] as number)))) a[i] = y;
    } else if (code === AggCode.Sum || code === AggCode.Avg) {
      const x = a[i] as [number, number];
      const y = b[i] as [number, number];
      x[0] += y[0];
      x[1] += y[1];
    } else {
      const into = (code === AggCode.CountDistinct ? a[i] : (a[i] as unknown[])[0]) as Map<unknown, number>;
      const from = (code === AggCode.CountDistinct ? b[i] : (b[i] as unknown[])[0]) as Map<unknown, number>;
      for (const [v, n] of from) into.set(v, (into.get(v) ?? 0) + n);
      if (code !== AggCode.CountDistinct) (a[i] as unknown[])[1] = best(into, code === AggCode.Min);
    }
  }
  return a;
}

/** Whether two result lists are the same (a group whose results did not change emits nothing). */
export function sameResults(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
