import type { Expr } from '../ast.js';
import type { Compiled } from '../expression-compiler.js';
import { parseTimestamp } from '../runtime-helpers.js';
import { formatType, T, type SqlType } from '../sql-types.js';
import { addUnits, compilePattern, DAY, diffUnits, EXTRACT_UNITS, extractField, floorTo, formatWith, parseWith, TIME_UNITS } from '../types/temporal.js';
import { fromLocalTime, toLocalTime } from '../types/time-zone.js';
import { argCountError, coerce, scalar, type FunctionContext, type FunctionDefinition } from './function-definition.js';

/** A unit written as a bare word (`TIMESTAMPADD(HOUR, ...)`) or as text the parser made of it (EXTRACT, FLOOR ... TO). */
function unitOf(e: Expr | undefined, allowed: readonly string[], ctx: FunctionContext): string {
  const word =
    e?.kind === 'column' && e.name.parts.length === 1
      ? e.name.parts[0]!.toUpperCase()
      : e?.kind === 'literal' && typeof e.value === 'string'
        ? e.value.toUpperCase()
        : undefined;
  const unit = word === 'DAYOFMONTH' ? 'DAY' : word?.replace(/S$/, '') === 'MILLISECOND' ? 'MILLISECOND' : word;
  if (unit === undefined || !allowed.includes(unit))
    return ctx.fail(`${ctx.name} expects a time unit (${allowed.join(', ')})${word ? `, not ${word}` : ''}`, e?.pos ?? ctx.pos);
  return unit;
}

/** A compiled pattern per distinct pattern text, so a literal pattern compiles once. */
function patternCache(): (p: string) => ReturnType<typeof compilePattern> {
  let last: string | undefined;
  let parts: ReturnType<typeof compilePattern> = [];
  return (p) => {
    if (p !== last) {
      parts = compilePattern(p);
      last = p;
    }
    return parts;
  };
}

const DEFAULT_TS = 'yyyy-MM-dd HH:mm:ss';

/** Epoch milliseconds of a TIMESTAMP, a DATE or a text in Flink's timestamp format. */
function asMillis(a: Compiled, ctx: FunctionContext): Compiled {
  if (a.type.name === 'STRING') return ctx.cast(a, T.TIMESTAMP);
  return coerce(a, 'TEMPORAL', ctx);
}

function unitFunction(name: string, unit: string): FunctionDefinition {
  return {
    name,
    compile(args, ctx) {
      if (args.length !== 1) ctx.fail(`${name} takes 1 argument, not ${args.length}`, ctx.pos);
      return extract(unit, ctx.compile(args[0]!), ctx);
    },
  };
}

function extract(unit: string, x: Compiled, ctx: FunctionContext): Compiled {
  const n = x.type.name;
  if (n === 'NULL') return { code: 'null', type: T.BIGINT, nullable: true };
  if (n !== 'TIMESTAMP' && n !== 'TIMESTAMP_LTZ' && n !== 'DATE' && n !== 'TIME')
    ctx.fail(`${ctx.name} expects a DATE, TIME or TIMESTAMP, not ${formatType(x.type)}`, ctx.pos);
  const local = n === 'TIMESTAMP_LTZ' ? toLocalTime() : undefined;
  const toMs = n === 'DATE' ? (d: number) => d * DAY : (local ?? ((v: number) => v));
  const f = (v: number | null) => (v === null ? null : extractField(unit, toMs(v)));
  return { code: `${ctx.ref(f)}(${x.code})`, type: T.BIGINT, nullable: x.nullable };
}

/** A function of the clock; `local`: it reads the wall clock of the session zone (LOCALTIMESTAMP, CURRENT_DATE), not the instant. */
function now(name: string, type: SqlType, value: (ms: number) => number, local = false): FunctionDefinition {
  return {
    name,
    compile(args, ctx) {
      if (args.length > 0) ctx.fail(`${name} takes no arguments`, ctx.pos);
      const zoned = local ? toLocalTime() : undefined;
      const f = zoned ? () => value(zoned(Date.now())) : () => value(Date.now());
      return { code: `${ctx.ref(f)}()`, type, nullable: false };
    },
  };
}

const fmt = patternCache();
const parseFmt = patternCache();

/** Temporal functions; times are UTC (Weir's session time zone). */
export const temporalFunctions: readonly FunctionDefinition[] = [
  {
    name: 'DATE_FORMAT',
    compile(args, ctx) {
      const err = argCountError('DATE_FORMAT', { params: ['ANY', 'STRING'] }, args.length);
      if (err) ctx.fail(err, ctx.pos);
      const ts = asMillis(ctx.compile(args[0]!), ctx);
      const p = coerce(ctx.compile(args[1]!), 'STRING', ctx);
      if (ts.type.name === 'NULL' || p.type.name === 'NULL') return { code: 'null', type: T.STRING, nullable: true };
      // A cache per call: the module's one-pattern cache would compile again and again when a
      // query formats with two patterns (Nexmark q10's 'yyyy-MM-dd' and 'HH:mm').
      const own = patternCache();
      // A TIMESTAMP_LTZ is formatted as the wall clock of the session zone.
      const local = ts.type.name === 'TIMESTAMP_LTZ' ? toLocalTime() : undefined;
      const f = local
        ? (ms: number | null, pattern: string | null) => (ms === null || pattern === null ? null : formatWith(own(pattern), local(ms)))
        : (ms: number | null, pattern: string | null) => (ms === null || pattern === null ? null : formatWith(own(pattern), ms));
      return { code: `${ctx.ref(f)}(${ts.code}, ${p.code})`, type: T.STRING, nullable: ts.nullable || p.nullable };
    },
  },
  scalar('TO_TIMESTAMP', {
    params: ['STRING', 'STRING'],
    optional: 1,
    result: T.TIMESTAMP,
    nullable: true,
    // Text that does not match is NULL, as in Flink.
    impl: (s: string, p?: string) => (p === undefined ? tryParseTimestamp(s) : parseWith(parseFmt(p), s)),
  }),
  scalar('TO_DATE', {
    params: ['STRING', 'STRING'],
    optional: 1,
    result: T.DATE,
    nullable: true,
    impl: (s: string, p = 'yyyy-MM-dd') => {
      const ms = parseWith(parseFmt(p), s);
      return ms === null ? null : Math.floor(ms / DAY);
    },
  }),
  scalar('TO_TIMESTAMP_LTZ', {
    params: ['NUMBER', 'INTEGER'],
    optional: 1,
    result: T.TIMESTAMP_LTZ,
    impl: (n: number, precision = 3) => (precision === 0 ? n * 1000 : Math.trunc(n)),
  }),
  scalar('UNIX_TIMESTAMP', {
    params: ['STRING', 'STRING'],
    optional: 2,
    result: T.BIGINT,
    nullable: true,
    impl: (s?: string, p = DEFAULT_TS) => {
      if (s === undefined) return Math.floor(Date.now() / 1000);
      const ms = parseWith(parseFmt(p), s);
      return ms === null ? null : Math.floor(ms / 1000);
    },
  }),
  scalar('FROM_UNIXTIME', { params: ['INTEGER', 'STRING'], optional: 1, result: T.STRING, impl: (n: number, p = DEFAULT_TS) => formatWith(fmt(p), n * 1000) }),
  {
    name: 'EXTRACT',
    compile(args, ctx) {
      return extract(unitOf(args[0], EXTRACT_UNITS, ctx), ctx.compile(args[1]!), ctx);
    },
  },
  unitFunction('YEAR', 'YEAR'),
  unitFunction('QUARTER', 'QUARTER'),
  unitFunction('MONTH', 'MONTH'),
  unitFunction('WEEK', 'WEEK'),
  unitFunction('DAYOFYEAR', 'DOY'),
  unitFunction('DAYOFMONTH', 'DAY'),
  unitFunction('DAYOFWEEK', 'DOW'),
  unitFunction('HOUR', 'HOUR'),
  unitFunction('MINUTE', 'MINUTE'),
  unitFunction('SECOND', 'SECOND'),
  {
    name: 'TIMESTAMPADD',
    compile(args, ctx) {
      if (args.length !== 3) ctx.fail(`TIMESTAMPADD takes 3 arguments (unit, n, timestamp), not ${args.length}`, ctx.pos);
      const unit = unitOf(args[0], TIME_UNITS, ctx);
      const n = coerce(ctx.compile(args[1]!), 'INTEGER', ctx);
      const t = ctx.compile(args[2]!);
      if (!['TIMESTAMP', 'TIMESTAMP_LTZ', 'DATE', 'NULL'].includes(t.type.name))
        ctx.fail(`TIMESTAMPADD expects a TIMESTAMP or DATE, not ${formatType(t.type)}`, ctx.pos);
      const date = t.type.name === 'DATE';
      const f = (k: number | null, v: number | null) =>
        k === null || v === null ? null : date ? Math.floor(addUnits(unit, k, v * DAY) / DAY) : addUnits(unit, k, v);
      return { code: `${ctx.ref(f)}(${n.code}, ${t.code})`, type: t.type.name === 'NULL' ? T.TIMESTAMP : t.type, nullable: n.nullable || t.nullable };
    },
  },
  {
    name: 'TIMESTAMPDIFF',
    compile(args, ctx) {
      if (args.length !== 3) ctx.fail(`TIMESTAMPDIFF takes 3 arguments (unit, from, to), not ${args.length}`, ctx.pos);
      const unit = unitOf(args[0], TIME_UNITS, ctx);
      const a = coerce(ctx.compile(args[1]!), 'TEMPORAL', ctx);
      const b = coerce(ctx.compile(args[2]!), 'TEMPORAL', ctx);
      const f = (x: number | null, y: number | null) => (x === null || y === null ? null : diffUnits(unit, x, y));
      return { code: `${ctx.ref(f)}(${a.code}, ${b.code})`, type: T.INT, nullable: a.nullable || b.nullable };
    },
  },
  floorCeil('FLOOR_TO', false),
  floorCeil('CEIL_TO', true),
  now('CURRENT_TIMESTAMP', T.TIMESTAMP_LTZ, (ms) => ms),
  now('NOW', T.TIMESTAMP_LTZ, (ms) => ms),
  now('PROCTIME', T.TIMESTAMP_LTZ, (ms) => ms),
  now('LOCALTIMESTAMP', T.TIMESTAMP, (ms) => ms, true),
  now('CURRENT_DATE', T.DATE, (ms) => Math.floor(ms / DAY), true),
  now('CURRENT_TIME', T.TIME, (ms) => ms % DAY, true),
  now('LOCALTIME', T.TIME, (ms) => ms % DAY, true),
];

function floorCeil(name: string, ceil: boolean): FunctionDefinition {
  return {
    name,
    compile(args, ctx) {
      const x = ctx.compile(args[0]!);
      const unit = unitOf(args[1], TIME_UNITS, ctx);
      if (x.type.name === 'NULL') return { code: 'null', type: T.TIMESTAMP, nullable: true };
      const date = x.type.name === 'DATE';
      if (!date && x.type.name !== 'TIMESTAMP' && x.type.name !== 'TIMESTAMP_LTZ')
        ctx.fail(`${ceil ? 'CEIL' : 'FLOOR'} ... TO ${unit} expects a TIMESTAMP or DATE, not ${formatType(x.type)}`, ctx.pos);
      // A TIMESTAMP_LTZ rounds on the wall clock of the session zone (a day starts at its midnight).
      const [local, instant] = x.type.name === 'TIMESTAMP_LTZ' ? [toLocalTime(), fromLocalTime()] : [undefined, undefined];
      const f =
        local && instant
          ? (v: number | null) => (v === null ? null : instant(floorTo(unit, local(v), ceil)))
          : (v: number | null) => (v === null ? null : date ? Math.floor(floorTo(unit, v * DAY, ceil) / DAY) : floorTo(unit, v, ceil));
      return { code: `${ctx.ref(f)}(${x.code})`, type: x.type, nullable: x.nullable };
    },
  };
}

function tryParseTimestamp(s: string): number | null {
  try {
    return parseTimestamp(s);
  } catch {
    return null;
  }
}
