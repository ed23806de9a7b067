import type { Compiled } from '../expression-compiler.js';
import { formatDouble, parseTimestamp } from '../runtime-helpers.js';
import { SqlError, type SqlPosition } from '../sql-error.js';
import { formatType, T, type SqlType } from '../sql-types.js';
import {
  adjustPrecisionScale,
  decimalFromNumber,
  decimalParse,
  decimalToNumber,
  decimalToString,
  divHalfUp,
  fitsPrecision,
  pow10,
  rescale,
} from './decimal.js';
import { constantComparison, decimalConstantAsDouble, inlineDecimalArithmetic } from './decimal-inline.js';
import { cutMicros } from './micros.js';
import { addMonths, DAY, formatDate, formatTime, parseDate, parseTime } from './temporal.js';
import { textOf } from './value-format.js';
import { fromLocalTime, toLocalTime } from './time-zone.js';

/** What the typed operators need from the expression compiler. */
export interface TypeContext {
  /** A constant's reference in generated code (functions made at plan time go in this way). */
  ref(value: unknown): string;
  fail(msg: string, pos: SqlPosition): never;
  /** The compiler's own binary operator, for what is left once DECIMAL became DOUBLE. */
  binary(op: string, a: Compiled, b: Compiled, pos: SqlPosition): Compiled;
}

const BASE = new Set(['INT', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN', 'TIMESTAMP', 'NULL']);
/** A type the first version's compiler did not know (it handles the others itself). */
export const isExtended = (t: SqlType): boolean => !BASE.has(t.name);

const isIntegral = (t: SqlType) => t.name === 'INT' || t.name === 'BIGINT';
/** INT and BIGINT as decimals when they meet a DECIMAL (Flink's DECIMAL(10, 0) and DECIMAL(19, 0)). */
const asDecimal = (t: SqlType): { p: number; s: number } =>
  t.name === 'DECIMAL' ? { p: t.precision ?? 10, s: t.scale ?? 0 } : t.name === 'INT' ? { p: 10, s: 0 } : { p: 19, s: 0 };
export const decimalType = (p: number, s: number): SqlType => ({ name: 'DECIMAL', precision: p, scale: s });

/** A plan-time function of one value, NULL in NULL out, in generated code. */
function unaryCall(ctx: TypeContext, a: Compiled, f: (v: any) => unknown, type: SqlType, nullable = a.nullable): Compiled {
  const g = a.nullable ? (v: unknown) => (v === null ? null : f(v)) : f;
  return { code: `${ctx.ref(g)}(${a.code})`, type, nullable };
}

function binaryCall(ctx: TypeContext, a: Compiled, b: Compiled, f: (x: any, y: any) => unknown, type: SqlType, nullable = a.nullable || b.nullable): Compiled {
  const g = a.nullable || b.nullable ? (x: unknown, y: unknown) => (x === null || y === null ? null : f(x, y)) : f;
  return { code: `${ctx.ref(g)}(${a.code}, ${b.code})`, type, nullable };
}

const toBig = (t: SqlType, s: number): ((v: any) => bigint) =>
  t.name === 'DECIMAL' ? (v: bigint) => rescale(v, t.scale ?? 0, s) : (v: number) => BigInt(v) * pow10(s);

/**
 * Binary operators where a DECIMAL, DATE, TIME, TIMESTAMP_LTZ or INTERVAL takes part; undefined
 * when the compiler's own rules apply. DECIMAL arithmetic is exact with Flink's result types (a
 * result that does not fit its precision is NULL, as in Flink); a DECIMAL meeting a DOUBLE is a DOUBLE.
 */
export function typedBinary(op: string, a: Compiled, b: Compiled, pos: SqlPosition, ctx: TypeContext): Compiled | undefined {
  const ta = a.type;
  const tb = b.type;
  if (!isExtended(ta) && !isExtended(tb)) return undefined;
  if (ta.name === 'NULL' || tb.name === 'NULL') {
    if (op === 'AND' || op === 'OR' || op === '||') return undefined;
    const other = ta.name === 'NULL' ? b : a;
    if (['=', '<>', '<', '<=', '>', '>='].includes(op)) return { code: 'null', type: T.BOOLEAN, nullable: true };
    return { code: 'null', type: other.type, nullable: true };
  }
  const dec = ta.name === 'DECIMAL' || tb.name === 'DECIMAL';
  if (dec && (ta.name === 'DOUBLE' || tb.name === 'DOUBLE')) {
    // A DECIMAL literal beside a DOUBLE (`x > 0.5`) is that DOUBLE, found now: the plain comparison runs per row.
    const ka = decimalConstantAsDouble(a);
    const kb = decimalConstantAsDouble(b);
    if (ka || kb) return ctx.binary(op, ka ?? a, kb ?? b, pos);
    const da = ta.name === 'DECIMAL' ? unaryCall(ctx, a, (v: bigint) => decimalToNumber(v, ta.scale ?? 0), T.DOUBLE) : a;
    const db = tb.name === 'DECIMAL' ? unaryCall(ctx, b, (v: bigint) => decimalToNumber(v, tb.scale ?? 0), T.DOUBLE) : b;
    return ctx.binary(op, da, db, pos);
  }
  if (dec && (ta.name === 'DECIMAL' || isIntegral(ta)) && (tb.name === 'DECIMAL' || isIntegral(tb))) return decimalBinary(op, a, b, pos, ctx);
  const cmp = ['=', '<>', '<', '<=', '>', '>='].includes(op);
  if (cmp && ta.name === tb.name && ta.name !== 'ARRAY' && ta.name !== 'MAP' && ta.name !== 'ROW') return undefined; // numbers underneath
  if (op === '+' || op === '-') {
    const interval = (t: SqlType) => t.name === 'INTERVAL';
    const time = (t: SqlType) => t.name === 'TIMESTAMP' || t.name === 'TIMESTAMP_LTZ' || t.name === 'DATE' || t.name === 'TIME';
    const months = (t: SqlType) => t.name === 'INTERVAL_MONTHS';
    if (months(ta) && months(tb)) return { ...ctx.binary(op, { ...a, type: T.INT }, { ...b, type: T.INT }, pos), type: T.INTERVAL_MONTHS };
    const [mt, mv, msign] = time(ta) && months(tb) ? [a, b, op === '-' ? -1 : 1] : op === '+' && months(ta) && time(tb) ? [b, a, 1] : [undefined, undefined, 0];
    if (mt && mv && mt.type.name !== 'TIME') {
      // By the calendar: the day is clamped to the month's end, as Flink's.
      if (mt.type.name === 'DATE') return binaryCall(ctx, mt, mv, (d: number, m: number) => Math.floor(addMonths(d * DAY, msign * m) / DAY), T.DATE);
      return binaryCall(ctx, mt, mv, (x: number, m: number) => addMonths(x, msign * m), mt.type);
    }
    if (interval(ta) && interval(tb)) return { ...ctx.binary(op, { ...a, type: T.BIGINT }, { ...b, type: T.BIGINT }, pos), type: T.INTERVAL };
    const [t, iv, sign] =
      time(ta) && interval(tb) ? [a, b, op === '-' ? -1 : 1] : op === '+' && interval(ta) && time(tb) ? [b, a, 1] : [undefined, undefined, 0];
    if (t && iv) {
      if (t.type.name === 'DATE') return binaryCall(ctx, t, iv, (d: number, ms: number) => d + Math.trunc((sign * ms) / DAY), T.DATE);
      if (t.type.name === 'TIME') return binaryCall(ctx, t, iv, (x: number, ms: number) => (((x + sign * ms) % DAY) + DAY) % DAY, T.TIME);
      return binaryCall(ctx, t, iv, (x: number, ms: number) => x + sign * ms, t.type);
    }
  }
  if (op === '*' && (ta.name === 'INTERVAL') !== (tb.name === 'INTERVAL') && (isIntegral(ta) || isIntegral(tb)))
    return { ...ctx.binary('*', { ...a, type: T.BIGINT }, { ...b, type: T.BIGINT }, pos), type: T.INTERVAL };
  if (cmp) return ctx.fail(`Cannot compare ${formatType(ta)} with ${formatType(tb)} (operator ${op}); use CAST`, pos);
  return ctx.fail(`Operator ${op} does not apply to ${formatType(ta)} and ${formatType(tb)}`, pos);
}

function decimalBinary(op: string, a: Compiled, b: Compiled, pos: SqlPosition, ctx: TypeContext): Compiled {
  const { p: p1, s: s1 } = asDecimal(a.type);
  const { p: p2, s: s2 } = asDecimal(b.type);
  const cmp: Record<string, (x: bigint, y: bigint) => boolean> = {
    '=': (x, y) => x === y,
    '<>': (x, y) => x !== y,
    '<': (x, y) => x < y,
    '<=': (x, y) => x <= y,
    '>': (x, y) => x > y,
    '>=': (x, y) => x >= y,
  };
  if (cmp[op]) {
    const folded = constantComparison(op, a, b);
    if (folded) return folded;
    const s = Math.max(s1, s2);
    const ca = toBig(a.type, s);
    const cb = toBig(b.type, s);
    const f = cmp[op]!;
    return binaryCall(ctx, a, b, (x, y) => f(ca(x), cb(y)), T.BOOLEAN);
  }
  let rp: number;
  let rs: number;
  let f: (x: any, y: any) => bigint | null;
  if (op === '+' || op === '-') {
    rs = Math.max(s1, s2);
    rp = Math.max(p1 - s1, p2 - s2) + rs + 1;
    if (rp <= 38) return inlineDecimalArithmetic(op, a, b, decimalType(rp, rs));
    ({ precision: rp, scale: rs } = adjustPrecisionScale(rp, rs));
    const ca = toBig(a.type, rs);
    const cb = toBig(b.type, rs);
    f = op === '+' ? (x, y) => ca(x) + cb(y) : (x, y) => ca(x) - cb(y);
  } else if (op === '*') {
    if (p1 + p2 <= 38) return inlineDecimalArithmetic(op, a, b, decimalType(p1 + p2, s1 + s2));
    ({ precision: rp, scale: rs } = adjustPrecisionScale(p1 + p2, s1 + s2));
    const ca = toBig(a.type, s1);
    const cb = toBig(b.type, s2);
    const drop = s1 + s2 - rs;
    f = (x, y) => rescale(ca(x) * cb(y), s1 + s2, s1 + s2 - drop);
  } else if (op === '/') {
    const scale = Math.max(6, s1 + p2 + 1);
    ({ precision: rp, scale: rs } = adjustPrecisionScale(p1 - s1 + s2 + scale, scale));
    const ca = toBig(a.type, s1);
    const cb = toBig(b.type, s2);
    const up = pow10(rs - s1 + s2);
    f = (x, y) => {
      const d = cb(y);
      if (d === 0n) throw new SqlError('Division by zero');
      return divHalfUp(ca(x) * up, d);
    };
  } else if (op === '%') {
    rs = Math.max(s1, s2);
    ({ precision: rp, scale: rs } = adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + rs, rs));
    const ca = toBig(a.type, rs);
    const cb = toBig(b.type, rs);
    f = (x, y) => {
      const d = cb(y);
      if (d === 0n) throw new SqlError('Division by zero');
      return ca(x) % d;
    };
  } else return ctx.fail(`Operator ${op} does not apply to ${formatType(a.type)} and ${formatType(b.type)}`, pos);
  const p = rp;
  // A result wider than its type is NULL, as Flink's DECIMAL overflow.
  const checked = (x: unknown, y: unknown) => {
    const v = f(x, y);
    return v !== null && fitsPrecision(v, p) ? v : null;
  };
  return binaryCall(ctx, a, b, checked, decimalType(rp, rs), true);
}

/** Unary minus of a DECIMAL or an INTERVAL. */
export function typedNegate(a: Compiled, ctx: TypeContext): Compiled | undefined {
  if (a.type.name === 'DECIMAL' || a.type.name === 'INTERVAL' || a.type.name === 'INTERVAL_MONTHS')
    return { code: a.nullable ? `$.neg(${a.code})` : `(-${a.code})`, type: a.type, nullable: a.nullable };
  return undefined;
}

/**
 * CAST between the types where Flink allows it; undefined when the compiler's own rules apply.
 * A text that does not read as the type fails the job (TRY_CAST makes it NULL); a number too wide
 * for its DECIMAL is NULL.
 */
export function typedCast(a: Compiled, to: SqlType, pos: SqlPosition, ctx: TypeContext): Compiled | undefined {
  const from = a.type;
  const finerTimestamp =
    (from.name === 'TIMESTAMP' && (from.precision ?? 3) !== 3 && to.name === 'STRING') ||
    (from.name === 'STRING' && (to.name === 'TIMESTAMP' || to.name === 'TIME') && (to.precision ?? 3) > 3);
  const newPrecision = from.name === 'TIMESTAMP' && to.name === 'TIMESTAMP' && (from.precision ?? 3) !== (to.precision ?? 3);
  if (!isExtended(from) && !isExtended(to) && !finerTimestamp && !newPrecision) return undefined;
  if (from.name === 'NULL') return { code: a.code, type: to, nullable: true };
  const f = zonedCast(from, to) ?? castFunction(from, to);
  if (!f) return ctx.fail(`Cannot cast ${formatType(from)} to ${formatType(to)}`, pos);
  if (f === 'same') return { code: a.code, type: to, nullable: a.nullable };
  const mayBeNull = to.name === 'DECIMAL' && from.name !== 'DECIMAL' ? true : to.name === 'DECIMAL';
  return unaryCall(ctx, a, f, to, a.nullable || mayBeNull);
}

/**
 * Casts between TIMESTAMP_LTZ and the types without a zone (TIMESTAMP, STRING, DATE, TIME) outside
 * UTC: the instant read as the wall clock of the session zone, or the wall clock read in it as an
 * instant, then the cast of a TIMESTAMP. Undefined in UTC, where the plain casts already hold.
 */
function zonedCast(from: SqlType, to: SqlType): ((v: any) => unknown) | undefined {
  if ((from.name === 'TIMESTAMP_LTZ') === (to.name === 'TIMESTAMP_LTZ')) return undefined;
  if (from.name === 'TIMESTAMP_LTZ') {
    const local = toLocalTime();
    const rest = castFunction({ name: 'TIMESTAMP', precision: from.precision ?? 3 }, to);
    if (!local || rest === undefined) return undefined;
    return rest === 'same' ? local : (ms: number) => rest(local(ms));
  }
  const instant = fromLocalTime();
  const rest = castFunction(from, { name: 'TIMESTAMP', precision: to.precision ?? 3 });
  if (!instant || rest === undefined) return undefined;
  return rest === 'same' ? instant : (v: unknown) => instant(rest(v) as number);
}

function castFunction(from: SqlType, to: SqlType): ((v: any) => unknown) | 'same' | undefined {
  const n = from.name;
  // Inside ARRAY, MAP and ROW casts the compiler's own rules are not there: the same type, and numbers widening.
  if (formatType(from) === formatType(to) || (n === 'INT' && (to.name === 'BIGINT' || to.name === 'DOUBLE')) || (n === 'BIGINT' && to.name === 'DOUBLE'))
    return 'same';
  if (n === 'DOUBLE' && (to.name === 'INT' || to.name === 'BIGINT')) return Math.trunc;
  switch (to.name) {
    case 'STRING':
      if (n === 'STRING') return 'same';
      if (n === 'DOUBLE') return formatDouble;
      return textOf(from);
    case 'DECIMAL': {
      const p = to.precision ?? 10;
      const s = to.scale ?? 0;
      const fit = (v: bigint) => (fitsPrecision(v, p) ? v : null);
      if (n === 'DECIMAL') return (v: bigint) => fit(rescale(v, from.scale ?? 0, s));
      if (isIntegral(from) || n === 'DOUBLE') return (v: number) => fit(decimalFromNumber(v, s));
      if (n === 'STRING') return (v: string) => fit(decimalParse(v, s));
      if (n === 'BOOLEAN') return (v: boolean) => fit(BigInt(v ? 1 : 0) * pow10(s));
      return undefined;
    }
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
      if (n === 'DECIMAL') {
        const s = from.scale ?? 0;
        if (to.name === 'DOUBLE') return (v: bigint) => decimalToNumber(v, s);
        // Toward zero, as Flink's.
        return to.name === 'INT' ? (v: bigint) => Number(BigInt.asIntN(32, v / pow10(s))) : (v: bigint) => Number(v / pow10(s));
      }
      if (n === 'INTERVAL' && to.name === 'BIGINT') return 'same';
      return undefined;
    case 'BOOLEAN':
      if (n === 'DECIMAL') return (v: bigint) => v !== 0n;
      return undefined;
    case 'DATE':
      if (n === 'STRING') return parseDate;
      if (n === 'TIMESTAMP' || n === 'TIMESTAMP_LTZ') return (ms: number) => Math.floor(ms / DAY);
      return undefined;
    case 'TIME':
      if (n === 'STRING') return (to.precision ?? 0) > 3 ? (v: string) => parseTime(v, to.precision) : parseTime;
      if (n === 'TIMESTAMP' || n === 'TIMESTAMP_LTZ') return (ms: number) => ((ms % DAY) + DAY) % DAY;
      return undefined;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const p = to.precision ?? 3;
      const trunc = p >= 3 ? undefined : 10 ** (3 - p);
      const cut = trunc ? (ms: number) => Math.floor(ms / trunc) * trunc : undefined;
      // A value of more digits than the target keeps is cut, never rounded (as Flink's).
      const finer = (from.precision ?? 3) > p && p < 6;
      if (n === 'TIMESTAMP' || n === 'TIMESTAMP_LTZ') return cut ?? (finer ? (v: number) => cutMicros(v, p) : 'same');
      if (n === 'STRING') return cut ? (v: string) => cut(parseTimestamp(v)) : p > 3 ? (v: string) => parseTimestamp(v, p) : parseTimestamp;
      if (n === 'DATE') return (d: number) => d * DAY;
      return undefined;
    }
    case 'ARRAY':
    case 'MAP':
    case 'ROW':
      if (n !== to.name) return undefined;
      if (formatType(from) === formatType(to)) return 'same';
      return nestedCast(from, to);
  }
  return undefined;
}

/** ARRAY to ARRAY element by element, MAP key and value, ROW field by field in order (names from the target), as Flink's. */
function nestedCast(from: SqlType, to: SqlType): ((v: any) => unknown) | undefined {
  const each = (a: SqlType, b: SqlType): ((v: unknown) => unknown) | undefined => {
    const f = castFunction(a, b);
    if (f === undefined) return undefined;
    return f === 'same' ? (v) => v : (v) => (v === null || v === undefined ? null : f(v));
  };
  if (to.name === 'ARRAY') {
    const f = each(from.element!, to.element!);
    return f && ((v: unknown[]) => v.map(f));
  }
  if (to.name === 'MAP') {
    const k = each(from.key!, to.key!);
    const val = each(from.value!, to.value!);
    return k && val && ((v: Map<unknown, unknown>) => new Map([...v].map(([a, b]) => [k(a), val(b)])));
  }
  const fs = from.fields!;
  const ts = to.fields!;
  if (fs.length !== ts.length) return undefined;
  const convs = fs.map((f, i) => each(f.type, ts[i]!.type));
  if (convs.some((c) => c === undefined)) return undefined;
  return (v: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fs.length; i++) out[ts[i]!.name] = convs[i]!(v[fs[i]!.name] ?? null);
    return out;
  };
}

export { decimalToString, formatDate, formatTime };
