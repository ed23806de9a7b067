import type { DataStream } from '../api/data-stream.js';
import type { Query } from './ast.js';
import { isAggregating, outputRow, planAggregate } from './aggregate-planner.js';
import { exprText, materialized, planCalc, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { Row } from './operators/calc-operator.js';
import type { GroupAggregateParams } from './operators/group-aggregate-operator.js';
import { currentFunctions, withFunctions } from './functions/function-catalog.js';
import { SqlError } from './sql-error.js';
import type { Scope } from './expression-compiler.js';
import { planTableSource, scopeOf, tableColumns } from './table-source-planner.js';
import { planWindowAggregate } from './window-planner.js';

export type { OutputRewrite, PlanContext, PlannedQuery } from './calc-planner.js';

/**
 * Plans a SELECT: a table, a view, a subquery or a window table function in FROM; WHERE and the
 * projection compiled into one `sqlCalc` node; GROUP BY (or aggregates alone) as a changelog
 * aggregation, and window aggregations on the runtime's window operators. Clauses of later
 * versions fail naming the clause.
 */
export function planQuery(q: Query, ctx: PlanContext): PlannedQuery {
  if (currentFunctions() !== ctx.catalog.functions) return withFunctions(ctx.catalog.functions, () => planQuery(q, ctx));
  if (q.unsupported.length > 0) {
    const u = q.unsupported[0]!;
    throw new SqlError(`${u.clause} is not supported yet`, u.pos, ctx.sql);
  }
  if (!q.from) throw new SqlError('SELECT without FROM is not supported yet', q.pos, ctx.sql);
  let input: PlannedQuery;
  let scope: Scope;
  if ('kind' in q.from && q.from.kind === 'windowTvf') return planWindowAggregate(q, q.from, ctx, (e) => exprText(e, ctx.sql));
  if ('kind' in q.from) {
    input = planQuery(q.from, ctx);
    input = materialized(input.stream(), input.columns, input);
    scope = { columns: input.columns, qualifiers: q.fromAlias ? [q.fromAlias] : [], description: 'the subquery' };
  } else {
    const entry = ctx.catalog.lookup(q.from.name, ctx.sql);
    if (entry.kind === 'view') {
      input = planQuery(entry.query, { ...ctx, sql: entry.sql });
      input = materialized(input.stream(), input.columns, input);
      scope = { columns: input.columns, qualifiers: [q.from.alias ?? entry.name], description: `view '${entry.name}'` };
    } else {
      input = materialized(planTableSource(entry, ctx.env), tableColumns(entry));
      scope = scopeOf(input.columns, entry.name, q.from.alias);
    }
  }
  if (isAggregating(q)) return planGroupAggregate(q, input, scope, ctx.sql);
  return planCalc(q, input, scope, ctx.sql);
}

/** WHERE, then the aggregation (a changelog per group), then SELECT and HAVING over its output. */
function planGroupAggregate(q: Query, input: PlannedQuery, scope: Scope, sql: string): PlannedQuery {
  const filtered = q.where
    ? planCalc({ ...q, items: [{ expr: { kind: 'star', qualifier: undefined, pos: q.pos }, alias: undefined }] }, input, scope, sql)
    : input;
  const plan = planAggregate(q, scope, sql, input.updating, [], (e) => exprText(e, sql));
  const params: GroupAggregateParams = { groupValues: plan.groupValues, calls: plan.calls, output: outputRow(plan), text: plan.text };
  const name = `GroupAggregate(${plan.text.groupBy ? `groupBy=[${plan.text.groupBy}], ` : ''}select=[${plan.text.select}])`;
  const by = name.length > 120 ? name.slice(0, 117) + '...)' : name;
  const stream = filtered.stream().keyBy(plan.key).transform<Row>(by, 'sqlGroupAggregate', params);
  const aggregated = materialized(stream, plan.columns, { updating: true, updatingBy: by });
  return planCalc(plan.query, aggregated, { columns: plan.columns, qualifiers: [], description: 'the aggregation' }, sql);
}
