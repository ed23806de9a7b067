import type { Compiled } from '../expression-compiler.js';
import { formatType, isNumeric, T, widerNumeric, type SqlType } from '../sql-types.js';
import type { FunctionContext, FunctionDefinition } from './function-definition.js';

/** The type values of `parts` share (numbers widen), or an error naming the types that met. */
function common(parts: readonly Compiled[], what: string, ctx: FunctionContext): SqlType {
  const known = parts.map((p) => p.type).filter((t) => t.name !== 'NULL');
  if (known.length === 0) return T.STRING;
  if (known.every(isNumeric)) return known.reduce(widerNumeric);
  const first = formatType(known[0]!);
  if (known.every((t) => formatType(t) === first || (t.name === 'STRING' && known[0]!.name === 'STRING')))
    return known[0]!.name === 'STRING' ? T.STRING : known[0]!;
  return ctx.fail(`${what} mixes ${[...new Set(known.map((t) => formatType(t)))].join(' and ')}; use CAST`, ctx.pos);
}

const list = (parts: readonly Compiled[]) => parts.map((p) => p.code).join(', ');

/** ARRAY[...], MAP[...], ROW(...) and reading them: a[i] (1-based), m[key], CARDINALITY, ELEMENT. */
export const collectionFunctions: readonly FunctionDefinition[] = [
  {
    name: 'ARRAY',
    compile(args, ctx) {
      if (args.length === 0) ctx.fail('ARRAY[...] takes at least 1 element', ctx.pos);
      const parts = args.map((a) => ctx.compile(a));
      const element = common(parts, 'ARRAY', ctx);
      return { code: `[${list(parts.map((p) => ctx.cast(p, element)))}]`, type: { name: 'ARRAY', element }, nullable: false };
    },
  },
  {
    name: 'MAP',
    compile(args, ctx) {
      if (args.length === 0 || args.length % 2 !== 0) ctx.fail('MAP[...] takes key, value pairs', ctx.pos);
      const parts = args.map((a) => ctx.compile(a));
      const keys = parts.filter((_p, i) => i % 2 === 0);
      const values = parts.filter((_p, i) => i % 2 === 1);
      const key = common(keys, 'MAP keys', ctx);
      const value = common(values, 'MAP values', ctx);
      const pairs = keys.map((k, i) => `[${ctx.cast(k, key).code}, ${ctx.cast(values[i]!, value).code}]`);
      return { code: `new Map([${pairs.join(', ')}])`, type: { name: 'MAP', key, value }, nullable: false };
    },
  },
  {
    name: 'ROW',
    compile(args, ctx) {
      const parts = args.map((a) => ctx.compile(a));
      const fields = parts.map((p, i) => ({ name: `EXPR$${i}`, type: p.type.name === 'NULL' ? T.STRING : p.type }));
      return { code: `{ ${parts.map((p, i) => `"EXPR$${i}": ${p.code}`).join(', ')} }`, type: { name: 'ROW', fields }, nullable: false };
    },
  },
  {
    name: 'ITEM',
    compile(args, ctx) {
      const base = ctx.compile(args[0]!);
      const index = ctx.compile(args[1]!);
      if (base.type.name === 'ARRAY') {
        if (index.type.name !== 'INT' && index.type.name !== 'BIGINT') ctx.fail(`An ARRAY index must be an integer, not ${formatType(index.type)}`, ctx.pos);
        // 1-based; NULL past either end, as Flink's.
        const f = (a: unknown[] | null, i: number | null) => (a === null || i === null || i < 1 || i > a.length ? null : (a[i - 1] ?? null));
        return { code: `${ctx.ref(f)}(${base.code}, ${index.code})`, type: base.type.element!, nullable: true };
      }
      if (base.type.name === 'MAP') {
        const k = ctx.cast(index, base.type.key!);
        const f = (m: Map<unknown, unknown> | null, key: unknown) => (m === null || key === null ? null : (m.get(key) ?? null));
        return { code: `${ctx.ref(f)}(${base.code}, ${k.code})`, type: base.type.value!, nullable: true };
      }
      return ctx.fail(`[...] reads an ARRAY or a MAP, not ${formatType(base.type)}`, ctx.pos);
    },
  },
  {
    name: 'CARDINALITY',
    compile(args, ctx) {
      if (args.length !== 1) ctx.fail(`CARDINALITY takes 1 argument, not ${args.length}`, ctx.pos);
      const a = ctx.compile(args[0]!);
      if (a.type.name !== 'ARRAY' && a.type.name !== 'MAP' && a.type.name !== 'NULL')
        ctx.fail(`CARDINALITY expects an ARRAY or a MAP, not ${formatType(a.type)}`, ctx.pos);
      const f = (v: unknown[] | Map<unknown, unknown> | null) => (v === null ? null : Array.isArray(v) ? v.length : v.size);
      return { code: `${ctx.ref(f)}(${a.code})`, type: T.INT, nullable: a.nullable };
    },
  },
  {
    name: 'ELEMENT',
    compile(args, ctx) {
      const a = ctx.compile(args[0]!);
      if (a.type.name !== 'ARRAY') ctx.fail(`ELEMENT expects an ARRAY, not ${formatType(a.type)}`, ctx.pos);
      const f = (v: unknown[] | null) => {
        if (v === null || v.length === 0) return null;
        if (v.length > 1) throw new Error('ELEMENT: the array has more than one element');
        return v[0] ?? null;
      };
      return { code: `${ctx.ref(f)}(${a.code})`, type: a.type.element!, nullable: true };
    },
  },
];
