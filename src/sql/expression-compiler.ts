import type { Expr } from './ast.js';
import { closestName } from '../core/closest-name.js';
import { helpers, likePattern } from './runtime-helpers.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import { formatType, isNumeric, T, widerNumeric, type SqlType } from './sql-types.js';
import type { FunctionContext } from './functions/function-definition.js';
import { knownFunctionNames, resolveFunction, resolveSystemFunction } from './functions/function-catalog.js';
import { commonTypeOf, fieldAccess, NILADIC } from './types/typed-expressions.js';
import { castConstant, COMPARISONS, constantCode } from './types/decimal-inline.js';
import { decimalType, isExtended, typedBinary, typedCast, typedNegate } from './types/typed-operators.js';

/** A column a query can see: its name, type and whether it may be NULL. */
export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

/** What the names in an expression resolve against: one relation's columns and the names it is known by. */
export interface Scope {
  readonly columns: readonly Column[];
  readonly qualifiers: readonly string[];
  /** For "not found in X" messages. */
  readonly description: string;
  /** A join's inputs: each qualifier's column names and the columns of the joined row they became (`id` -> `id0`). */
  readonly sides?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Columns the planner added for itself (a scalar subquery's value): readable by name, not part of `*`. */
  readonly hidden?: ReadonlySet<string>;
}

/** A compiled expression: JavaScript source over the row `r`, the helpers `$` and constants `k<i>`. */
export interface Compiled {
  readonly code: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** A number literal's value when the query is planned (a DECIMAL's unscaled bigint), so operators can fold it. */
  readonly constant?: number | bigint;
}

/**
 * Collects the constants compiled code refers to. User text (string literals, names that are not
 * plain identifiers) only ever enters generated code as a constant reference `k<i>`, never as code.
 */
export class Constants {
  readonly values: unknown[] = [];
  ref(value: unknown): string {
    this.values.push(value);
    return `k${this.values.length - 1}`;
  }
}

/** A plain identifier may appear in code as a quoted property name; anything else goes through a constant. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export function propertyAccess(obj: string, name: string, consts: Constants): string {
  return PLAIN.test(name) && name !== '__proto__' ? `${obj}["${name}"]` : `${obj}[${consts.ref(name)}]`;
}

/** An object literal key for `name`: quoted when plain, else a computed key from a constant. */
export function propertyKey(name: string, consts: Constants): string {
  return PLAIN.test(name) && name !== '__proto__' ? `"${name}"` : `[${consts.ref(name)}]`;
}

/** The column of a join's row that `qualifier.name` (or `name` alone, if only one input has it) names. */
function sideField(sides: ReadonlyMap<string, ReadonlyMap<string, string>>, qualifier: string, name: string, fail: (m: string) => never): string {
  if (qualifier) return sides.get(qualifier)?.get(name) ?? name;
  const owners = [...sides].filter(([, cols]) => cols.has(name));
  if (owners.length > 1) fail(`Column '${name}' is ambiguous: it is in ${owners.map(([q]) => `'${q}'`).join(' and ')}; qualify it (${owners[0]![0]}.${name})`);
  return owners.length === 1 ? owners[0]![1].get(name)! : name;
}

/** Functions of later slices, so the error says "not supported yet" rather than "unknown". */
const LATER_FUNCTIONS = new Set([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'FIRST_VALUE',
  'LAST_VALUE',
  'LISTAGG',
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'COLLECT',
  'TUMBLE_START',
  'TUMBLE_END',
]);
const RUNNABLE_AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']);
const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG', 'COLLECT']);
const FUNCTIONS = [
  'MOD',
  'UPPER',
  'LOWER',
  'CONCAT',
  'CHAR_LENGTH',
  'CHARACTER_LENGTH',
  'SUBSTRING',
  'TRIM',
  'COALESCE',
  'IF',
  'IFNULL',
  'NULLIF',
  'IS_TRUE',
  'IS_FALSE',
  'IS_NOT_TRUE',
  'IS_NOT_FALSE',
  'IS_DISTINCT_FROM',
  'IS_NOT_DISTINCT_FROM',
];

/** The functions the compiler itself knows and the aggregates, for SHOW FUNCTIONS. */
export const BUILTIN_NAMES: readonly string[] = [
  ...FUNCTIONS.filter((f) => !f.startsWith('IS_')),
  'CAST',
  'TRY_CAST',
  'CASE',
  ...[...AGGREGATES].filter((a) => a !== 'COLLECT'),
];

/**
 * Type-checks an expression against a scope and turns it into JavaScript source, once per query.
 * NULL is `null`; operators on operands that may be NULL go through `$` helpers with SQL's NULL
 * semantics, operators on NOT NULL operands are emitted as plain JavaScript.
 */
export class ExpressionCompiler {
  constructor(
    private readonly scope: Scope,
    private readonly consts: Constants,
    private readonly sql: string,
  ) {}

  private fail(msg: string, pos: SqlPosition): never {
    throw new SqlError(msg, pos, this.sql);
  }

  compile(e: Expr): Compiled {
    switch (e.kind) {
      case 'literal':
        return this.literal(e);
      case 'interval':
        return e.months !== undefined
          ? { code: `(${e.months})`, type: T.INTERVAL_MONTHS, nullable: false }
          : { code: `(${e.millis})`, type: T.INTERVAL, nullable: false };
      case 'star':
        return this.fail("'*' is only allowed as a select item", e.pos);
      case 'column':
        return this.column(e.name.parts, e.pos);
      case 'unary':
        return this.unary(e.op, this.compile(e.arg), e.pos);
      case 'binary':
        return this.binary(e.op, this.compile(e.left), this.compile(e.right), e.pos);
      case 'isNull': {
        const a = this.compile(e.arg);
        return { code: a.nullable ? `(${a.code} ${e.negated ? '!==' : '==='} null)` : e.negated ? 'true' : 'false', type: T.BOOLEAN, nullable: false };
      }
      case 'between': {
        const a = this.compile(e.arg);
        const range = this.binary('AND', this.binary('>=', a, this.compile(e.low), e.pos), this.binary('<=', a, this.compile(e.high), e.pos), e.pos);
        return e.negated ? this.unary('NOT', range, e.pos) : range;
      }
      case 'in':
        return this.inList(e.arg, e.list, e.negated, e.pos);
      case 'like':
        return this.like(e.arg, e.pattern, e.negated, e.pos);
      case 'inQuery':
      case 'exists':
        return this.fail(
          `${e.kind === 'exists' ? 'EXISTS' : 'IN (SELECT ...)'} subqueries are supported only as conditions of WHERE joined by AND (as semi and anti joins), optionally under NOT`,
          e.pos,
        );
      case 'scalarQuery':
        return this.fail(
          'Scalar subqueries are supported in WHERE, and in the SELECT list of a query without GROUP BY or aggregates (as a join with the one-row subquery)',
          e.pos,
        );
      case 'row':
        return this.fail('A row of values (a, b) is supported only before IN (SELECT ...)', e.pos);
      case 'case':
        return this.caseWhen(e);
      case 'cast':
        return e.safe ? this.tryCast(this.compile(e.arg), e.to, e.pos) : this.cast(this.compile(e.arg), e.to, e.pos);
      case 'trim': {
        const a = this.expectString(this.compile(e.arg), 'TRIM', e.pos);
        const chars = e.chars ? this.expectString(this.compile(e.chars), 'TRIM', e.pos).code : `" "`;
        return {
          code: `$.trim(${a.code}, ${chars}, "${e.side}")`,
          type: T.STRING,
          nullable: a.nullable || (e.chars !== undefined && this.compile(e.chars).nullable),
        };
      }
      case 'call':
        return this.call(e.name, e.args, e.pos);
    }
  }

  private literal(e: Extract<Expr, { kind: 'literal' }>): Compiled {
    switch (e.type) {
      case 'null':
        return { code: 'null', type: T.NULL, nullable: true };
      case 'string':
        return { code: this.consts.ref(e.value), type: T.STRING, nullable: false };
      case 'boolean':
        return { code: e.value ? 'true' : 'false', type: T.BOOLEAN, nullable: false };
      case 'decimal':
        // Digits the lexer read, as a bigint: never the user's text itself.
        return {
          code: constantCode(BigInt(e.value as bigint)),
          type: decimalType(e.precision!, e.scale!),
          nullable: false,
          constant: BigInt(e.value as bigint),
        };
      default: {
        // A number formatted by JavaScript, not the text the user wrote.
        const v = Number(e.value);
        return { code: constantCode(v), type: e.type === 'int' ? T.INT : e.type === 'bigint' ? T.BIGINT : T.DOUBLE, nullable: false, constant: v };
      }
    }
  }

  /** The column `parts` names (`col` or `qualifier.col`). */
  column(parts: readonly string[], pos: SqlPosition): Compiled {
    const name = parts[parts.length - 1]!;
    const qualifier = parts.slice(0, -1).join('.');
    // `r.f` reads field f of ROW column r.
    const rowField = parts.length > 1 ? fieldAccess(parts, this.scope, (p) => this.column(p, pos), this.ctx('.', pos)) : undefined;
    if (rowField) return rowField;
    if (qualifier && !this.scope.qualifiers.includes(qualifier)) {
      const near = closestName(qualifier, this.scope.qualifiers);
      this.fail(`Table '${qualifier}' not found in this query${near ? `; did you mean '${near}'?` : ''}`, pos);
    }
    const field = this.scope.sides ? sideField(this.scope.sides, qualifier, name, (m) => this.fail(m, pos)) : name;
    const col = this.scope.columns.find((c) => c.name === field);
    // CURRENT_TIMESTAMP and friends are written without parentheses.
    if (!col && parts.length === 1 && NILADIC.has(name.toUpperCase())) return this.call(name.toUpperCase(), [], pos);
    if (!col) {
      const near = closestName(
        name,
        this.scope.columns.map((c) => c.name),
      );
      this.fail(`Column '${name}' not found in ${this.scope.description}${near ? `; did you mean '${near}'?` : ''}`, pos);
    }
    return { code: propertyAccess('r', col.name, this.consts), type: col.type, nullable: col.nullable };
  }

  private unary(op: string, a: Compiled, pos: SqlPosition): Compiled {
    if (op === 'NOT') {
      this.expectBoolean(a, 'NOT', pos);
      return { code: a.nullable ? `$.not(${a.code})` : `(!${a.code})`, type: T.BOOLEAN, nullable: a.nullable };
    }
    if (op === '-' && (typeof a.constant === 'number' || typeof a.constant === 'bigint'))
      return { code: constantCode(-a.constant), type: a.type, nullable: false, constant: -a.constant };
    const typed = op === '-' ? typedNegate(a, this.ctx(op, pos)) : undefined;
    if (typed) return typed;
    if (!isNumeric(a.type) && a.type.name !== 'DECIMAL' && a.type.name !== 'INTERVAL' && a.type.name !== 'INTERVAL_MONTHS')
      this.fail(`Operator ${op} expects a number, not ${formatType(a.type)}`, pos);
    if (op === '+') return a;
    return { code: a.nullable ? `$.neg(${a.code})` : `(-${a.code})`, type: a.type, nullable: a.nullable };
  }

  private binary(op: string, a: Compiled, b: Compiled, pos: SqlPosition): Compiled {
    const nullable = a.nullable || b.nullable;
    if (op === 'AND' || op === 'OR') {
      this.expectBoolean(a, op, pos);
      this.expectBoolean(b, op, pos);
      if (!nullable) return { code: `(${a.code} ${op === 'AND' ? '&&' : '||'} ${b.code})`, type: T.BOOLEAN, nullable };
      return { code: `$.${op.toLowerCase()}(${a.code}, ${b.code})`, type: T.BOOLEAN, nullable };
    }
    if (op === '||') {
      const sa = this.cast(a, T.STRING, pos);
      const sb = this.cast(b, T.STRING, pos);
      return { code: nullable ? `$.concat(${sa.code}, ${sb.code})` : `(${sa.code} + ${sb.code})`, type: T.STRING, nullable };
    }
    const typed = typedBinary(op, a, b, pos, this.ctx(op, pos));
    if (typed) return typed;
    if (COMPARISONS[op]) {
      this.comparable(a, b, op, pos);
      const [fn, js] = COMPARISONS[op]!;
      return { code: nullable ? `$.${fn}(${a.code}, ${b.code})` : `(${a.code} ${js} ${b.code})`, type: T.BOOLEAN, nullable };
    }
    // Arithmetic.
    if (!isNumeric(a.type) || !isNumeric(b.type)) this.fail(`Operator ${op} expects numbers, not ${formatType(a.type)} and ${formatType(b.type)}`, pos);
    const type = widerNumeric(a.type, b.type);
    const integral = type.name !== 'DOUBLE';
    if (op === '/') {
      // Integer division truncates, as in Flink; division by zero fails the job.
      return { code: `$.${integral ? 'idiv' : 'div'}(${a.code}, ${b.code})`, type, nullable };
    }
    const fns: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '%': 'mod' };
    if (nullable) return { code: `$.${fns[op]}(${a.code}, ${b.code})`, type, nullable };
    return { code: `(${a.code} ${op} ${b.code})`, type, nullable };
  }

  private comparable(a: Compiled, b: Compiled, op: string, pos: SqlPosition): void {
    const group = (t: SqlType) => (isNumeric(t) ? 'number' : t.name);
    if (a.type.name === 'NULL' || b.type.name === 'NULL') return;
    if (group(a.type) !== group(b.type)) this.fail(`Cannot compare ${formatType(a.type)} with ${formatType(b.type)} (operator ${op}); use CAST`, pos);
  }

  private expectBoolean(a: Compiled, what: string, pos: SqlPosition): void {
    if (a.type.name !== 'BOOLEAN' && a.type.name !== 'NULL') this.fail(`${what} expects a BOOLEAN, not ${formatType(a.type)}`, pos);
  }

  private expectString(a: Compiled, what: string, pos: SqlPosition): Compiled {
    if (a.type.name !== 'STRING' && a.type.name !== 'NULL') this.fail(`${what} expects a STRING, not ${formatType(a.type)}`, pos);
    return a;
  }

  private expectInteger(a: Compiled, what: string, pos: SqlPosition): Compiled {
    if (a.type.name !== 'INT' && a.type.name !== 'BIGINT' && a.type.name !== 'NULL') this.fail(`${what} expects an integer, not ${formatType(a.type)}`, pos);
    return a;
  }

  private inList(arg: Expr, list: readonly Expr[], negated: boolean, pos: SqlPosition): Compiled {
    const a = this.compile(arg);
    const items = list.map((x) => this.compile(x));
    // DECIMAL and the other new types compare through their own '=' (a bigint is never === a number).
    const typed = isExtended(a.type) || items.some((it) => isExtended(it.type));
    if (!typed) for (const it of items) this.comparable(a, it, 'IN', pos);
    const literalValues = !typed && list.every((x) => x.kind === 'literal');
    let result: Compiled;
    if (literalValues) {
      const values = list.map((x) => (x as { value: unknown }).value);
      const hasNull = values.includes(null);
      result = {
        code: `$.inList(${a.code}, ${this.consts.ref(values.filter((v) => v !== null))}, ${hasNull})`,
        type: T.BOOLEAN,
        nullable: a.nullable || hasNull,
      };
    } else {
      result = items.map((it) => this.binary('=', a, it, pos)).reduce((x, y) => this.binary('OR', x, y, pos));
    }
    return negated ? this.unary('NOT', result, pos) : result;
  }

  private like(arg: Expr, pattern: Expr, negated: boolean, pos: SqlPosition): Compiled {
    const a = this.expectString(this.compile(arg), 'LIKE', pos);
    let result: Compiled;
    if (pattern.kind === 'literal' && typeof pattern.value === 'string') {
      result = { code: `$.like(${a.code}, ${this.consts.ref(likePattern(pattern.value))})`, type: T.BOOLEAN, nullable: a.nullable };
    } else {
      const p = this.expectString(this.compile(pattern), 'LIKE', pos);
      result = { code: `$.likeDynamic(${a.code}, ${p.code})`, type: T.BOOLEAN, nullable: true };
    }
    return negated ? this.unary('NOT', result, pos) : result;
  }

  private caseWhen(e: Extract<Expr, { kind: 'case' }>): Compiled {
    const operand = e.operand ? this.compile(e.operand) : undefined;
    const branches = e.whens.map(({ when, then }) => {
      const w = this.compile(when);
      const cond = operand ? this.binary('=', operand, w, when.pos) : w;
      if (!operand) this.expectBoolean(cond, 'CASE WHEN', when.pos);
      return { cond, then: this.compile(then) };
    });
    const otherwise = e.otherwise ? this.compile(e.otherwise) : { code: 'null', type: T.NULL, nullable: true };
    const type = this.commonType([...branches.map((b) => b.then), otherwise], 'CASE', e.pos);
    let code = this.cast(otherwise, type, e.pos).code;
    for (let i = branches.length - 1; i >= 0; i--) code = `(${branches[i]!.cond.code} === true ? ${this.cast(branches[i]!.then, type, e.pos).code} : ${code})`;
    return { code, type, nullable: otherwise.nullable || branches.some((b) => b.then.nullable) };
  }

  /** The type all `parts` fit in (numbers widened, DECIMALs and timestamps joined); `what` names the construct in the error. */
  commonType(parts: readonly Compiled[], what: string, pos: SqlPosition): SqlType {
    const known = parts.map((p) => p.type).filter((t) => t.name !== 'NULL');
    if (known.length === 0) return T.NULL;
    if (known.every(isNumeric)) return known.reduce(widerNumeric);
    const typed = commonTypeOf(known);
    if (typed) return typed;
    const first = known[0]!;
    if (known.every((t) => t.name === first.name)) return first.name === 'STRING' ? T.STRING : first;
    return this.fail(`${what} mixes ${known.map((t) => formatType(t)).join(' and ')}; use CAST`, pos);
  }

  cast(a: Compiled, to: SqlType, pos: SqlPosition): Compiled {
    const folded = castConstant(a, to);
    if (folded) return folded;
    const typed = typedCast(a, to, pos, this.ctx('CAST', pos));
    if (typed) return typed;
    const from = a.type.name;
    if (from === to.name || from === 'NULL') return { code: a.code, type: from === 'NULL' ? to : a.type, nullable: a.nullable };
    const nullable = a.nullable;
    switch (to.name) {
      case 'STRING': {
        const fn = from === 'DOUBLE' ? 'doubleToString' : from === 'BOOLEAN' ? 'boolToString' : from === 'TIMESTAMP' ? 'tsToString' : 'numToString';
        return { code: `$.${fn}(${a.code})`, type: T.STRING, nullable };
      }
      case 'INT':
      case 'BIGINT':
      case 'DOUBLE':
        if (from === 'TIMESTAMP') break;
        if (isNumeric(a.type) && to.name !== 'INT' && (to.name === 'DOUBLE' || from === 'INT')) return { code: a.code, type: to, nullable };
        return { code: `$.cast${to.name === 'INT' ? 'Int' : to.name === 'BIGINT' ? 'Bigint' : 'Double'}(${a.code})`, type: to, nullable };
      case 'BOOLEAN':
        if (from === 'TIMESTAMP') break;
        return { code: `$.castBoolean(${a.code})`, type: T.BOOLEAN, nullable };
      case 'TIMESTAMP':
        if (from !== 'STRING') break;
        return { code: `$.castTimestamp(${a.code})`, type: to, nullable };
    }
    return this.fail(`Cannot cast ${formatType(a.type)} to ${formatType(to)}`, pos);
  }

  /** TRY_CAST: the cast as a function of its own, whose failure is NULL. */
  private tryCast(a: Compiled, to: SqlType, pos: SqlPosition): Compiled {
    const inner = this.cast({ code: 'v', type: a.type, nullable: true }, to, pos);
    const cast = buildFunction<(v: unknown) => unknown>(`function cast(v) { return ${inner.code}; }`, this.consts, helpers);
    const safe = (v: unknown) => {
      try {
        return cast(v);
      } catch {
        return null;
      }
    };
    return { code: `${this.consts.ref(safe)}(${a.code})`, type: inner.type, nullable: true };
  }

  /** What function definitions and the typed operators may use of this compiler. */
  private ctx(name: string, pos: SqlPosition): FunctionContext {
    return {
      name,
      pos,
      compile: (e) => this.compile(e),
      cast: (a, to) => this.cast(a, to, pos),
      ref: (v) => this.consts.ref(v),
      fail: (msg, at) => this.fail(msg, at),
      binary: (op, a, b, at) => this.binary(op, a, b, at),
    };
  }

  private call(name: string, args: readonly Expr[], pos: SqlPosition): Compiled {
    const arity = (min: number, max = min) => {
      if (args.length < min || args.length > max)
        this.fail(`${name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, not ${args.length}`, pos);
    };
    const c = () => args.map((x) => this.compile(x));
    const system = resolveSystemFunction(name);
    if (system) return system.compile(args, this.ctx(name, pos));
    switch (name) {
      case 'UPPER':
      case 'LOWER': {
        arity(1);
        const [a] = c();
        this.expectString(a!, name, pos);
        return { code: `$.${name.toLowerCase()}(${a!.code})`, type: T.STRING, nullable: a!.nullable };
      }
      case 'CHAR_LENGTH':
      case 'CHARACTER_LENGTH': {
        arity(1);
        const [a] = c();
        this.expectString(a!, name, pos);
        return { code: `$.charLength(${a!.code})`, type: T.INT, nullable: a!.nullable };
      }
      case 'CONCAT': {
        if (args.length === 0) this.fail('CONCAT takes at least 1 argument', pos);
        const parts = c().map((a) => this.cast(a, T.STRING, pos));
        return parts.reduce((x, y) => this.binary('||', x, y, pos));
      }
      case 'SUBSTRING': {
        arity(2, 3);
        const [s, start, len] = c();
        this.expectString(s!, name, pos);
        this.expectInteger(start!, name, pos);
        if (len) this.expectInteger(len, name, pos);
        return { code: `$.substring(${s!.code}, ${start!.code}${len ? `, ${len.code}` : ''})`, type: T.STRING, nullable: true };
      }
      case 'COALESCE':
      case 'IFNULL': {
        if (name === 'IFNULL') arity(2);
        if (args.length === 0) this.fail('COALESCE takes at least 1 argument', pos);
        const parts = c();
        const type = this.commonType(parts, name, pos);
        const code = parts.map((p) => this.cast(p, type, pos).code).join(' ?? ');
        return { code: `(${code})`, type, nullable: parts.every((p) => p.nullable) };
      }
      case 'MOD': {
        arity(2);
        const [a, b] = c();
        return this.binary('%', a!, b!, pos);
      }
      case 'NULLIF': {
        arity(2);
        const [a, b] = c();
        const eq = this.binary('=', a!, b!, pos);
        return { code: `(${eq.code} === true ? null : ${a!.code})`, type: a!.type, nullable: true };
      }
      case 'IF': {
        arity(3);
        const [cond, x, y] = c();
        this.expectBoolean(cond!, 'IF', pos);
        const type = this.commonType([x!, y!], 'IF', pos);
        return {
          code: `(${cond!.code} === true ? ${this.cast(x!, type, pos).code} : ${this.cast(y!, type, pos).code})`,
          type,
          nullable: x!.nullable || y!.nullable,
        };
      }
      case 'IS_DISTINCT_FROM':
      case 'IS_NOT_DISTINCT_FROM': {
        // Equality where NULL is a value: two NULLs are not distinct, a NULL and a value are; never NULL.
        const [a, b] = c();
        const eq = this.binary('=', a!, b!, pos);
        const same = `(${a!.code} == null ? ${b!.code} == null : ${b!.code} != null && ${eq.code} === true)`;
        return { code: name === 'IS_DISTINCT_FROM' ? `(!${same})` : same, type: T.BOOLEAN, nullable: false };
      }
      case 'IS_TRUE':
      case 'IS_FALSE':
      case 'IS_NOT_TRUE':
      case 'IS_NOT_FALSE': {
        const [a] = c();
        this.expectBoolean(a!, name, pos);
        const test = name.endsWith('TRUE') ? 'true' : 'false';
        return { code: `(${a!.code} ${name.includes('NOT') ? '!==' : '==='} ${test})`, type: T.BOOLEAN, nullable: false };
      }
    }
    const def = resolveFunction(name);
    if (def) return def.compile(args, this.ctx(name, pos));
    if (RUNNABLE_AGGREGATES.has(name)) this.fail(`Aggregate function ${name} cannot be used here: aggregates belong in the SELECT list or HAVING`, pos);
    if (AGGREGATES.has(name)) this.fail(`Aggregate function ${name} is not supported yet`, pos);
    if (LATER_FUNCTIONS.has(name)) this.fail(`Function ${name} is not supported yet`, pos);
    const near = closestName(name, [...FUNCTIONS, ...knownFunctionNames(), ...LATER_FUNCTIONS]);
    return this.fail(`No function named ${name}${near ? `; did you mean ${near}?` : ''}`, pos);
  }
}

/** Builds a function from compiled source; `$` and the constants are its only free variables. */
export function buildFunction<F>(body: string, consts: Constants, helpers: unknown): F {
  const names = consts.values.map((_v, i) => `k${i}`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('$', ...names, `"use strict"; return ${body};`) as (...a: unknown[]) => F;
  return factory(helpers, ...consts.values);
}
