import type { Query } from './ast.js';
import type { DataStream } from '../api/data-stream.js';
import type { Row } from './operators/calc-operator.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { ExpressionCompiler, propertyKey, type Column, type Constants } from './expression-compiler.js';
import { SqlError } from './sql-error.js';
import { formatType, isNumeric, type SqlType } from './sql-types.js';
import { commonTypeOf } from './types/typed-expressions.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

const WIDTH: Record<string, number> = { INT: 0, BIGINT: 1, DOUBLE: 2 };

/** The type both columns fit in: the same type, or the wider of two numbers (INT < BIGINT < DOUBLE). */
function common(a: SqlType, b: SqlType): SqlType | undefined {
  // DECIMALs of other precisions and scales, and with integers: Flink's common DECIMAL (with a DOUBLE: DOUBLE).
  if (a.name === 'DECIMAL' || b.name === 'DECIMAL') return a.name === 'NULL' ? b : b.name === 'NULL' ? a : commonTypeOf([a, b]);
  if (a.name === b.name) return a;
  if (a.name === 'NULL') return b;
  if (b.name === 'NULL') return a;
  if (isNumeric(a) && isNumeric(b)) return WIDTH[a.name]! >= WIDTH[b.name]! ? a : b;
  return undefined;
}

/**
 * `q UNION ALL q2 [UNION ALL ...]`: every branch planned on its own, its rows renamed to the first
 * branch's column names in its own last step, and the streams merged (a `union` node, which keeps
 * each row's kind: a union of changelogs is a changelog). Branches must have as many columns, of
 * types that fit together (as Flink's: equal, or numbers widened).
 */
export function planUnionAll(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const queries = [{ ...q, unionAll: undefined, orderBy: undefined, limit: undefined }, ...q.unionAll!];
  return unionOf(queries, ctx, planQuery);
}

/** The branches of a UNION ALL merged into one stream, their rows renamed to the first branch's names. */
export function unionOf(queries: readonly Query[], ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const { branches, columns, streams } = setBranches(queries, ctx, planQuery, 'UNION ALL');
  const updating = branches.find((b) => b.updating);
  return materialized(streams[0]!.union(...streams.slice(1)), columns, updating ? { updating: true, updatingBy: updating.updatingBy! } : { updating: false });
}

/**
 * The branches of a set operation planned each on its own, with the columns of the result (the
 * first branch's names; types that fit together, as Flink's: equal, or numbers widened) and each
 * branch's rows renamed to those names in its own last step. `what` names the operation in errors.
 */
export function setBranches(
  queries: readonly Query[],
  ctx: PlanContext,
  planQuery: PlanQuery,
  what: string,
): { branches: PlannedQuery[]; columns: Column[]; streams: DataStream<Row>[] } {
  const branches = queries.map((b) => planQuery(b, ctx));
  const first = branches[0]!;
  const columns: Column[] = first.columns.map((c) => ({ ...c }));
  branches.forEach((b, i) => {
    if (b.columns.length !== columns.length)
      throw new SqlError(`${what} branches have different numbers of columns: ${columns.length} and ${b.columns.length}`, queries[i]!.pos, ctx.sql);
    b.columns.forEach((c, j) => {
      const t = common(columns[j]!.type, c.type);
      if (t === undefined)
        throw new SqlError(
          `${what} column ${j + 1} ('${columns[j]!.name}') is ${columns[j]!.type.name} in one branch and ${c.type.name} in another; use CAST`,
          queries[i]!.pos,
          ctx.sql,
        );
      columns[j] = { ...columns[j]!, type: t, nullable: columns[j]!.nullable || c.nullable };
    });
  });
  const names = columns.map((c) => c.name);
  // A branch whose DECIMAL differs from the result's (scale, or an INT beside a DECIMAL) is cast in its last step.
  const differs = (b: PlannedQuery, j: number) =>
    b.columns[j]!.type.name === 'DECIMAL' || columns[j]!.type.name === 'DECIMAL' ? formatType(b.columns[j]!.type) !== formatType(columns[j]!.type) : false;
  const rename = (b: PlannedQuery, at: Query) => (codes: readonly string[], consts: Constants) => {
    const compiler = new ExpressionCompiler({ columns: [], qualifiers: [], description: what }, consts, ctx.sql);
    return codes.map((code, j) => {
      const c = b.columns[j]!;
      const value = differs(b, j) ? compiler.cast({ code, type: c.type, nullable: c.nullable }, columns[j]!.type, at.pos).code : code;
      return `${propertyKey(names[j]!, consts)}: ${value}`;
    });
  };
  // The first branch keeps its rows unless a type changes; the others are renamed in their own last step.
  const streams = branches.map((b, i) =>
    (i === 0 || b.columns.every((c, j) => c.name === names[j])) && !b.columns.some((_c, j) => differs(b, j)) ? b.stream() : b.stream(rename(b, queries[i]!)),
  );
  return { branches, columns, streams };
}
