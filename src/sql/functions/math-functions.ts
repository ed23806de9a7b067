import type { Compiled } from '../expression-compiler.js';
import { T } from '../sql-types.js';
import { decimalFromNumber, decimalToNumber, pow10, rescale } from '../types/decimal.js';
import { decimalType } from '../types/typed-operators.js';
import { argCountError, coerce, scalar, type FunctionContext, type FunctionDefinition } from './function-definition.js';

const double = (name: string, f: (...x: number[]) => number, arity = 1) =>
  scalar(name, { params: Array<'NUMBER'>(arity).fill('NUMBER'), result: T.DOUBLE, impl: f });

/** A value-keeping function (ABS, SIGN, FLOOR, CEIL, ROUND): one implementation per argument type. */
function numeric(
  name: string,
  maxArgs: number,
  build: (a: Compiled, digits: Compiled | undefined, ctx: FunctionContext) => { impl: (...x: any[]) => unknown; type: Compiled['type'] },
): FunctionDefinition {
  return {
    name,
    compile(args, ctx) {
      const err = argCountError(name, { params: Array(maxArgs).fill('ANY'), optional: maxArgs - 1 }, args.length);
      if (err) ctx.fail(err, ctx.pos);
      const a = coerce(ctx.compile(args[0]!), 'NUMERIC', ctx);
      const d = args[1] ? coerce(ctx.compile(args[1]), 'INTEGER', ctx) : undefined;
      if (d && args[1]!.kind !== 'literal' && a.type.name === 'DECIMAL') ctx.fail(`${name} of a DECIMAL takes a literal number of digits`, ctx.pos);
      const { impl, type } = build(a, d, ctx);
      if (a.type.name === 'NULL' || d?.type.name === 'NULL') return { code: 'null', type, nullable: true };
      const nullable = a.nullable || (d?.nullable ?? false);
      const f = nullable ? (x: unknown, y?: unknown) => (x === null || y === null ? null : impl(x, y)) : impl;
      return { code: `${ctx.ref(f)}(${a.code}${d ? `, ${d.code}` : ''})`, type, nullable };
    },
  };
}

/** HALF_UP rounding of a double at `d` digits through its shortest decimal text, as Flink's (Java's BigDecimal.valueOf). */
export function roundDouble(x: number, d: number): number {
  if (!Number.isFinite(x)) return x;
  const s = Math.max(d, 0);
  const v = decimalFromNumber(x, Math.max(s, 20));
  const r = d >= 0 ? rescale(v, 20, d) : rescale(rescale(v, 20, 0), -d, 0) * pow10(-d);
  return decimalToNumber(r, s);
}

const roundInt = (x: number, d: number) => {
  if (d >= 0) return x;
  const u = 10 ** -d;
  return Math.sign(x) * Math.floor(Math.abs(x) / u + 0.5) * u;
};

/** Math functions; results as Flink types them (ABS, FLOOR, CEIL, ROUND and SIGN keep the argument's type). */
export const mathFunctions: readonly FunctionDefinition[] = [
  numeric('ABS', 1, (a) => ({ impl: a.type.name === 'DECIMAL' ? (v: bigint) => (v < 0n ? -v : v) : Math.abs, type: a.type })),
  numeric('SIGN', 1, (a) => ({
    impl: a.type.name === 'DECIMAL' ? (v: bigint) => (v < 0n ? -1n : v > 0n ? 1n : 0n) * pow10(a.type.scale ?? 0) : Math.sign,
    type: a.type,
  })),
  numeric('FLOOR', 1, (a) => decimalOr(a, Math.floor, (v, s) => floorDiv(v, pow10(s)))),
  numeric('CEIL', 1, (a) => decimalOr(a, Math.ceil, (v, s) => -floorDiv(-v, pow10(s)))),
  numeric('CEILING', 1, (a) => decimalOr(a, Math.ceil, (v, s) => -floorDiv(-v, pow10(s)))),
  numeric('ROUND', 2, (a, d, _ctx) => {
    if (a.type.name === 'DECIMAL') {
      const s = a.type.scale ?? 0;
      const p = a.type.precision ?? 10;
      const digits = d ? Number(d.code.replace(/[()]/g, '')) : 0;
      const to = Math.max(0, Math.min(s, digits));
      const impl = (v: bigint) => (digits >= 0 ? rescale(v, s, to) : rescale(rescale(v, s, 0), -digits, 0) * pow10(-digits));
      return { impl, type: decimalType(Math.min(38, p - s + to + 1), to) };
    }
    if (a.type.name === 'DOUBLE') return { impl: (x: number, n = 0) => roundDouble(x, n), type: T.DOUBLE };
    return { impl: (x: number, n = 0) => roundInt(x, n), type: a.type };
  }),
  scalar('POWER', { params: ['NUMBER', 'NUMBER'], result: T.DOUBLE, impl: Math.pow }),
  scalar('POW', { params: ['NUMBER', 'NUMBER'], result: T.DOUBLE, impl: Math.pow }),
  double('SQRT', Math.sqrt),
  double('LN', Math.log),
  double('LOG10', Math.log10),
  double('LOG2', Math.log2),
  scalar('LOG', {
    params: ['NUMBER', 'NUMBER'],
    optional: 1,
    result: T.DOUBLE,
    impl: (a: number, b?: number) => (b === undefined ? Math.log(a) : Math.log(b) / Math.log(a)),
  }),
  double('EXP', Math.exp),
  double('SIN', Math.sin),
  double('COS', Math.cos),
  double('TAN', Math.tan),
  double('ASIN', Math.asin),
  double('ACOS', Math.acos),
  double('ATAN', Math.atan),
  double('ATAN2', Math.atan2, 2),
  double('DEGREES', (x) => (x * 180) / Math.PI),
  double('RADIANS', (x) => (x * Math.PI) / 180),
  scalar('PI', { params: [], result: T.DOUBLE, impl: () => Math.PI }),
  scalar('E', { params: [], result: T.DOUBLE, impl: () => Math.E }),
];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function decimalOr(a: Compiled, f: (x: number) => number, dec: (v: bigint, s: number) => bigint) {
  if (a.type.name !== 'DECIMAL') return { impl: f, type: a.type };
  const s = a.type.scale ?? 0;
  const p = a.type.precision ?? 10;
  return { impl: (v: bigint) => dec(v, s), type: decimalType(Math.min(38, p - s + 1), 0) };
}
