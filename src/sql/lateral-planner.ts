import type { Expr, JoinRef, LateralTable } from './ast.js';
import { closestName } from '../core/closest-name.js';
import { materialized, type PlanContext } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, type Column } from './expression-compiler.js';
import { knownFunctionNames, resolveTableFunction } from './functions/function-catalog.js';
import type { TableFunction } from './functions/user-table-function.js';
import { scopeOf, type Relation } from './join-relation.js';
import { combineFunction, nullRow } from './join-row-functions.js';
import type { CorrelateParams } from './operators/correlate-operator.js';
import type { Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';

/**
 * `left, LATERAL TABLE(fn(args)) AS T(c, ...)` (also `CROSS JOIN`, `JOIN ... ON cond` and
 * `LEFT JOIN ... ON TRUE`): the left rows, each joined with the rows the table function written in
 * TypeScript produces for it, in one `sqlCorrelate` step. The arguments are expressions over the
 * left row. The function's columns come after the left ones, renamed where a name is taken (as a
 * join's). WHERE and an inner join's ON filter the joined rows; the changelog passes through.
 */
export function lateralRelation(join: JoinRef, l: Relation, ctx: PlanContext): Relation {
  const lat = join.right as LateralTable;
  const { sql } = ctx;
  const name = lat.call.name;
  const fn = resolveTableFunction(name);
  if (!fn) {
    const near = closestName(name, knownFunctionNames());
    throw new SqlError(`No table function named ${name}${near ? `; did you mean ${near}?` : ''}`, lat.call.pos, sql);
  }
  if (lat.columns && lat.columns.length !== fn.columns.length)
    throw new SqlError(`${lat.alias}(...) names ${lat.columns.length} columns; table function ${fn.name} produces ${fn.columns.length}`, lat.pos, sql);
  const fnColumns: Column[] = fn.columns.map((c, i) => ({ ...c, name: lat.columns?.[i] ?? c.name }));
  const qualifier = lat.alias ?? fn.name;
  if (l.sides.has(qualifier)) throw new SqlError(`'${qualifier}' names two inputs of the join; give each its own alias`, lat.pos, sql);
  const columns: Column[] = [...l.columns];
  const taken = new Set(columns.map((c) => c.name));
  const renamed = new Map<string, string>();
  for (const c of fnColumns) {
    let n = c.name;
    for (let i = 0; taken.has(n); i++) n = `${c.name}${i}`;
    taken.add(n);
    renamed.set(c.name, n);
    columns.push({ ...c, name: n });
  }
  const sides = new Map(l.sides);
  sides.set(qualifier, new Map(fnColumns.map((c) => [c.name, renamed.get(c.name)!])));
  const rel: Relation = {
    columns,
    sides,
    timeAttributes: l.timeAttributes,
    build(filters) {
      const left = l.build([]);
      const consts = new Constants();
      const compiler = new ExpressionCompiler(scopeOf(l, 'the input of the table function'), consts, sql);
      const args = lat.call.args.map((a) => compiler.compile(a).code);
      const call = buildFunction<(r: Row) => unknown[]>(`function args(r) { return [${args.join(', ')}]; }`, consts, helpers);
      const produce = producer(fn.fn, call, fnColumns, fn.name);
      const joinType = join.type === 'LEFT' ? 'LEFT' : 'INNER';
      const text = sql.slice(lat.call.pos.offset, endOf(lat, sql)).trim();
      const params: CorrelateParams = {
        produce,
        combine: combineFunction(l.columns, fnColumns, renamed),
        outer: joinType === 'LEFT',
        nullRow: nullRow(fnColumns),
        updating: left.planned.updating,
        text: { fn: text, joinType },
      };
      const full = `Correlate(invocation=[${text}], joinType=[${joinType}])`;
      const stream = left.planned.stream().transform<Row>(full.length > 160 ? full.slice(0, 157) + '...)' : full, 'sqlCorrelate', params);
      // An inner join's ON filters the joined rows, as WHERE does; LEFT JOIN's is TRUE.
      const on: Expr[] = join.type === 'INNER' && join.on ? [join.on] : [];
      return { planned: materialized(stream, columns, left.planned), rest: [...left.rest, ...on, ...filters] };
    },
  };
  return rel;
}

/** Where the text of `fn(args)` ends: its closing parenthesis. */
function endOf(lat: LateralTable, sql: string): number {
  let depth = 0;
  for (let i = lat.call.pos.offset; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return i + 1;
  }
  return sql.length;
}

/** The rows the function produces for a left row, each as a row of `columns` (see TableFunction for the shapes it may yield). */
function producer(tf: TableFunction, args: (r: Row) => unknown[], columns: readonly Column[], name: string) {
  const names = columns.map((c) => c.name);
  const one = names.length === 1 ? names[0]! : undefined;
  return (r: Row): Row[] => {
    // Called as a method: a definition object may use `this`.
    const out = tf.eval(...args(r));
    if (out === null || out === undefined) return [];
    if (typeof (out as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof out === 'string')
      throw new Error(`table function ${name} returned ${typeof out}, not an iterable of rows (an array or a generator)`);
    const rows: Row[] = [];
    for (const item of out) {
      const row: Row = {};
      if (one !== undefined) row[one] = item ?? null;
      else if (Array.isArray(item)) names.forEach((n, i) => (row[n] = item[i] ?? null));
      else if (typeof item === 'object' && item !== null) {
        const values = Object.values(item);
        const byName = item as Record<string, unknown>;
        // Keyed by the declared names: the renamed columns take them in order.
        const declared = Object.keys(item);
        names.forEach((n, i) => (row[n] = (n in byName ? byName[n] : declared.length === names.length ? values[i] : undefined) ?? null));
      } else
        throw new Error(
          `table function ${name} produced ${item === null ? 'null' : typeof item}; with ${names.length} columns each row must be an array or an object`,
        );
      rows.push(row);
    }
    return rows;
  };
}
