import type { Compiled } from '../expression-compiler.js';
import { T, type SqlType } from '../sql-types.js';
import { decimalToNumber, fitsPrecision, pow10, rescale } from './decimal.js';

/**
 * DECIMAL arithmetic and comparisons as inline JavaScript on bigints, for the cases that need no
 * rounding and cannot overflow (so per row there is no closure call and no precision check), and
 * number literals folded when the query is planned: `price * 0.908` is `$.mulIntDec(r.price, 908, 908n)`,
 * `x > 0.5` on a DOUBLE `x` compares with `0.5`, `n > 1.5` on an INT `n` compares with `1`.
 */

const isIntegral = (t: SqlType) => t.name === 'INT' || t.name === 'BIGINT';
const scaleOf = (t: SqlType) => (t.name === 'DECIMAL' ? (t.scale ?? 0) : 0);

/** A compile-time constant's code: bigints as `123n`, numbers as written by JavaScript. */
export function constantCode(v: number | bigint): string {
  return typeof v === 'bigint' ? `(${v}n)` : `(${String(v)})`;
}

/** `a` (a DECIMAL or an integer) as a bigint at scale `s` (>= its own), in code. */
function bigAt(a: Compiled, s: number): string {
  const up = s - scaleOf(a.type);
  if (typeof a.constant === 'number' || typeof a.constant === 'bigint') return constantCode(BigInt(a.constant) * pow10(up));
  const big = isIntegral(a.type) ? (a.nullable ? `$.big(${a.code})` : `BigInt(${a.code})`) : a.code;
  if (up === 0) return big;
  return a.nullable ? `$.dmul(${big}, ${pow10(up)}n)` : `(${big} * ${pow10(up)}n)`;
}

/**
 * `a op b` for `+`, `-`, `*` of DECIMALs and integers whose result type (precision `p`, scale `s`)
 * was not narrowed to 38 digits: then the exact result always fits, so it is computed inline.
 */
export function inlineDecimalArithmetic(op: string, a: Compiled, b: Compiled, type: SqlType): Compiled {
  const nullable = a.nullable || b.nullable;
  const s = type.scale ?? 0;
  if (op === '*') {
    // An integer times a constant: in doubles while exact (one bigint made per row instead of three).
    const [x, k] =
      isIntegral(a.type) && typeof b.constant === 'bigint' ? [a, b.constant] : isIntegral(b.type) && typeof a.constant === 'bigint' ? [b, a.constant] : [];
    if (x && k !== undefined && k >= -(2n ** 53n) && k <= 2n ** 53n)
      return { code: `$.${x.nullable ? 'mulIntDecN' : 'mulIntDec'}(${x.code}, ${Number(k)}, ${k}n)`, type, nullable };
    const ca = bigAt(a, scaleOf(a.type));
    const cb = bigAt(b, scaleOf(b.type));
    return { code: nullable ? `$.dmul(${ca}, ${cb})` : `(${ca} * ${cb})`, type, nullable };
  }
  const ca = bigAt(a, s);
  const cb = bigAt(b, s);
  const fn = op === '+' ? 'dadd' : 'dsub';
  return { code: nullable ? `$.${fn}(${ca}, ${cb})` : `(${ca} ${op} ${cb})`, type, nullable };
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '<>': '<>' };
/** Each SQL comparison's null-aware helper (`$.eq`, ...) and its JavaScript operator. */
export const COMPARISONS: Readonly<Record<string, readonly [string, string]>> = {
  '=': ['eq', '==='],
  '<>': ['ne', '!=='],
  '<': ['lt', '<'],
  '<=': ['le', '<='],
  '>': ['gt', '>'],
  '>=': ['ge', '>='],
};

/**
 * A comparison of a DECIMAL or integer with a DECIMAL or integer constant, exact, as one inline
 * comparison at the other side's scale: the constant is rounded to that scale the way that keeps
 * the answer (`n > 1.5` is `n > 1`, `n >= 1.5` is `n > 1`, `n = 1.5` is FALSE). Undefined when
 * neither side is a constant.
 */
export function constantComparison(op: string, a: Compiled, b: Compiled): Compiled | undefined {
  const bc = b.constant !== undefined && b.type.name !== 'DOUBLE';
  const ac = a.constant !== undefined && a.type.name !== 'DOUBLE';
  if (!ac && !bc) return undefined;
  const [x, c, o] = bc ? [a, b, op] : [b, a, FLIP[op]!];
  const sx = scaleOf(x.type);
  const sc = scaleOf(c.type);
  let k = BigInt(c.constant!);
  let js = o;
  if (sx >= sc) k *= pow10(sx - sc);
  else {
    const d = pow10(sc - sx);
    const floor = k / d - (k % d !== 0n && k < 0n ? 1n : 0n);
    if (k % d === 0n) k = floor;
    else if (o === '=' || o === '<>') {
      const answer = o === '<>' ? 'true' : 'false';
      return { code: x.nullable ? `(${x.code} === null ? null : ${answer})` : answer, type: T.BOOLEAN, nullable: x.nullable };
    } else {
      k = floor;
      js = o === '<' || o === '<=' ? '<=' : '>';
    }
  }
  const kc = isIntegral(x.type) ? constantCode(Number(k)) : constantCode(k);
  const [fn, jsOp] = COMPARISONS[js]!;
  return { code: x.nullable ? `$.${fn}(${x.code}, ${kc})` : `(${x.code} ${jsOp} ${kc})`, type: T.BOOLEAN, nullable: x.nullable };
}

/** A DECIMAL constant meeting a DOUBLE: the DOUBLE it is, computed now. */
export function decimalConstantAsDouble(a: Compiled): Compiled | undefined {
  if (a.type.name !== 'DECIMAL' || typeof a.constant !== 'bigint') return undefined;
  const v = decimalToNumber(a.constant, a.type.scale ?? 0);
  return { code: constantCode(v), type: T.DOUBLE, nullable: false, constant: v };
}

/** The run-time helpers the inline code calls (NULL in, NULL out), merged into `$`. */
export const decimalHelpers = {
  big: (a: number | null) => (a === null ? null : BigInt(a)),
  dadd: (a: bigint | null, b: bigint | null) => (a === null || b === null ? null : a + b),
  dsub: (a: bigint | null, b: bigint | null) => (a === null || b === null ? null : a - b),
  dmul: (a: bigint | null, b: bigint | null) => (a === null || b === null ? null : a * b),
  mulIntDec(x: number, k: number, big: bigint): bigint {
    const t = x * k;
    // Exact while the product is a safe integer: a larger true product never rounds into that range.
    return Number.isSafeInteger(t) ? BigInt(t) : BigInt(x) * big;
  },
  mulIntDecN(x: number | null, k: number, big: bigint): bigint | null {
    if (x === null) return null;
    const t = x * k;
    return Number.isSafeInteger(t) ? BigInt(t) : BigInt(x) * big;
  },
};

/** CAST of a number constant to a number type, done now; undefined when it is not one (or does not fit: then the cast runs and gives NULL). */
export function castConstant(a: Compiled, to: SqlType): Compiled | undefined {
  const c = a.constant;
  if (c === undefined) return undefined;
  const from = a.type;
  if (from.name === 'DECIMAL' && typeof c === 'bigint') {
    if (to.name === 'DOUBLE') return decimalConstantAsDouble(a);
    if (to.name === 'DECIMAL') {
      const v = rescale(c, from.scale ?? 0, to.scale ?? 0);
      return fitsPrecision(v, to.precision ?? 10) ? { code: constantCode(v), type: to, nullable: false, constant: v } : undefined;
    }
    return undefined;
  }
  if (isIntegral(from) && typeof c === 'number' && Number.isSafeInteger(c)) {
    if (to.name === 'DECIMAL') {
      const v = BigInt(c) * pow10(to.scale ?? 0);
      return fitsPrecision(v, to.precision ?? 10) ? { code: constantCode(v), type: to, nullable: false, constant: v } : undefined;
    }
    if (to.name === 'DOUBLE' || to.name === 'BIGINT') return { ...a, type: to };
  }
  return undefined;
}
