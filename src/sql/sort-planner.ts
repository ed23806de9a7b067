import type { Expr, OrderItem, Query } from './ast.js';
import { exprText, materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { columnName } from './expr-rewrite.js';
import { propertyKey, type Constants, type Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import type { BatchSortParams } from './operators/batch-sort-operator.js';
import type { LimitParams } from './operators/limit-operator.js';
import type { RankParams } from './operators/rank-operator.js';
import type { TemporalSortParams } from './operators/temporal-sort-operator.js';
import { extendRow } from './over-planner.js';
import { orderText, planSortKey, planValue } from './sort-key-planner.js';
import { SqlError } from './sql-error.js';
import { outputTimeAttributes, timeAttributes } from './time-attributes.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/**
 * ORDER BY and LIMIT of a query (or of a UNION ALL), as Flink runs them in streaming:
 * - ORDER BY a time attribute ASC [, more items]: a temporal sort, rows emitted in time order as the
 *   watermark passes them (insert-only);
 * - ORDER BY ... LIMIT n: a Top-N over all rows (an updating changelog: -D for a row pushed out, +I),
 *   also over a changelog (a GROUP BY's result);
 * - LIMIT n alone: the first n rows (insert-only);
 * - ORDER BY anything else without LIMIT: refused, as Flink does.
 * In batch mode ORDER BY [LIMIT] sorts the final rows once the input ends (any columns, also over
 * a GROUP BY). ORDER BY names output columns. All of them run on one subtask (keyed by a constant), as in Flink.
 */
export function planSort(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const plain = { ...q, orderBy: undefined, limit: undefined };
  // ORDER BY may name what the query does not select (Flink allows it): such items are selected
  // too, as hidden `$s<i>` columns, and dropped after the sort. Selected: an item's alias or
  // column name, or any column when the query selects `*`.
  const selected = new Set(q.items.map((it) => it.alias ?? columnName(it.expr)));
  const star = q.items.some((it) => it.expr.kind === 'star');
  let order = q.orderBy ?? [];
  const hidden =
    q.unionAll || q.setOp
      ? []
      : order.filter((it) => !(it.expr.kind === 'column' && it.expr.name.parts.length === 1 && (star || selected.has(it.expr.name.parts[0]))));
  if (q.distinct && hidden.length > 0) throw new SqlError('ORDER BY items of a SELECT DISTINCT must be selected columns', hidden[0]!.expr.pos, ctx.sql);
  const items = [...q.items, ...hidden.map((it, i) => ({ expr: it.expr, alias: `$s${i}` }))];
  const base = planQuery({ ...plain, items }, ctx);
  const visible = base.columns.slice(0, base.columns.length - hidden.length);
  order = order.map((it) => {
    const i = hidden.indexOf(it);
    return i < 0 ? it : { ...it, expr: { kind: 'column', name: { parts: [`$s${i}`], pos: it.expr.pos }, pos: it.expr.pos } };
  });
  const sorted = sortOrLimit(q, order, base, ctx);
  if (base.columns.length === visible.length) return sorted;
  const dropHidden = (codes: readonly string[], consts: Constants) =>
    codes.slice(0, visible.length).map((code, j) => `${propertyKey(visible[j]!.name, consts)}: ${code}`);
  return materialized(sorted.stream(dropHidden), visible, sorted.updating ? { updating: true, updatingBy: sorted.updatingBy! } : { updating: false });
}

function sortOrLimit(q: Query, order: readonly OrderItem[], base: PlannedQuery, ctx: PlanContext): PlannedQuery {
  const sql = ctx.sql;
  const describe = (e: Expr) => exprText(e, sql);
  if (ctx.batch && order.length > 0) {
    // Batch: bounded input, final rows only; a GROUP BY's changelog is applied before the sort.
    const text = { orderBy: orderText(order, describe), ...(q.limit ? { limit: q.limit.count } : {}) };
    const params: BatchSortParams = {
      ...planSortKey(order, { columns: base.columns, qualifiers: [], description: 'the query' }, sql),
      limit: q.limit?.count,
      text,
    };
    const name = q.limit ? `SortLimit(orderBy=[${text.orderBy}], fetch=[${q.limit.count}])` : `Sort(orderBy=[${text.orderBy}])`;
    return materialized(
      base
        .stream()
        .keyBy(() => 0)
        .transform<Row>(name, 'sqlBatchSort', params),
      base.columns,
    );
  }
  const what = q.orderBy ? (q.limit ? 'ORDER BY with LIMIT' : 'ORDER BY') : 'LIMIT';
  if (base.updating && !(q.limit && order.length > 0))
    throw new SqlError(`${what} over an updating input (${base.updatingBy ?? 'a changelog'}) is not supported yet`, (q.limit ?? q).pos, sql);
  const scope: Scope = { columns: base.columns, qualifiers: [], description: 'the query' };
  const keyed = base.stream().keyBy(() => 0);
  if (order.length === 0) {
    const limit = q.limit!.count;
    const params: LimitParams = { limit };
    return materialized(keyed.transform<Row>(`Limit(fetch=[${limit}])`, 'sqlLimit', params), base.columns);
  }
  if (q.limit) {
    const limit = q.limit.count;
    const text = { partitionBy: '', orderBy: orderText(order, describe), limit };
    const name = `SortLimit(orderBy=[${text.orderBy}], fetch=[${limit}])`;
    const params: RankParams = {
      ...planSortKey(order, scope, sql),
      limit,
      rankOutput: false,
      windowEnd: undefined,
      output: extendRow(base.columns, []),
      text,
      ttl: ctx.stateTtl ?? 0,
    };
    return materialized(keyed.transform<Row>(name, base.updating ? 'sqlRetractRank' : 'sqlRank', params), base.columns, { updating: true, updatingBy: name });
  }
  const first = order[0]!;
  // The first item as written: a time attribute of the output, or of FROM when it is not selected.
  const name = columnName(q.orderBy![0]!.expr);
  const single = { ...q, unionAll: undefined };
  const timeAttrs = q.setOp ? new Set<string>() : new Set([...outputTimeAttributes(single, ctx), ...(q.unionAll ? [] : timeAttributes(single, ctx))]);
  if (name === undefined || first.desc || !timeAttrs.has(name))
    throw new SqlError(
      'Sort on a non-time-attribute field is not supported in streaming (as in Flink): ORDER BY must start with a time attribute ASC, or have a LIMIT',
      first.expr.pos,
      sql,
    );
  const rest = order.slice(1);
  const params: TemporalSortParams = {
    time: planValue<number>(first.expr, scope, sql),
    sortKey: rest.length > 0 ? planSortKey(rest, scope, sql).sortKey : undefined,
    order: rest.length > 0 ? planSortKey(rest, scope, sql).order : { directions: [], nullsFirst: [] },
    text: { orderBy: orderText(order, describe) },
  };
  return materialized(keyed.transform<Row>(`TemporalSort(orderBy=[${params.text.orderBy}])`, 'sqlTemporalSort', params), base.columns);
}
