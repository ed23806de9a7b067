import { DataStream } from '../api/data-stream.js';
import type { Query } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, propertyAccess, type Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import type { SetOpKind, SetOpParams } from './operators/set-op-operator.js';
import { helpers } from './runtime-helpers.js';
import { setBranches, unionOf } from './union-planner.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/**
 * `left UNION|INTERSECT|EXCEPT [ALL] right` other than a chain of UNION ALL: both inputs keyed by
 * the whole row into a `sqlSetOp` node that counts each distinct row per input (Flink's plan of a
 * distinct union, INTERSECT and EXCEPT). NULLs are equal here, as set operations treat them. The
 * result is a changelog when an input is one or the operation is EXCEPT (a row of the right input
 * takes a row of the result back); in batch mode it is the final rows, insert-only.
 */
export function planSetOp(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const { op, all, left, right } = q.setOp!;
  if (op === 'UNION' && all) return unionOf([left, right], ctx, planQuery);
  const kind = (op === 'UNION' || !all ? op : `${op} ALL`) as SetOpKind;
  const { branches, columns, streams } = setBranches([left, right], ctx, planQuery, kind);
  const updating = branches.some((b) => b.updating) || op === 'EXCEPT';
  const params: SetOpParams = { op: kind, batch: ctx.batch === true, updating, ttl: ctx.stateTtl ?? 0 };
  const key = rowKey(columns);
  const name = `SetOp(${kind}, select=[${columns.map((c) => c.name).join(', ')}])`;
  const node = ctx.env.graph.addNode(
    { kind: 'sqlSetOp', params },
    name.length > 120 ? name.slice(0, 117) + '...)' : name,
    streams.map((s) => [s.keyBy(key).edge()]),
    true,
  );
  const updatingBy = branches.find((b) => b.updating)?.updatingBy ?? name;
  return materialized(new DataStream<Row>(ctx.env, node), columns, updating && !ctx.batch ? { updating: true, updatingBy } : { updating: false });
}

/**
 * `SELECT DISTINCT ...`: the query's rows keyed by the whole row into a `sqlSetOp` node of one
 * input that emits a row when its count becomes positive and takes it back (`-D`) when it drops to
 * zero, as Flink's GroupAggregate without aggregate calls. Insert-only over insert-only rows.
 */
export function planDistinct(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const inner = planQuery({ ...q, distinct: undefined }, ctx);
  const params: SetOpParams = { op: 'UNION', batch: ctx.batch === true, updating: inner.updating, ttl: ctx.stateTtl ?? 0 };
  const name = `Distinct(select=[${inner.columns.map((c) => c.name).join(', ')}])`;
  const stream = inner
    .stream()
    .keyBy(rowKey(inner.columns))
    .transform<Row>(name.length > 120 ? name.slice(0, 117) + '...)' : name, 'sqlSetOp', params);
  return materialized(stream, inner.columns, inner.updating && !ctx.batch ? { updating: true, updatingBy: inner.updatingBy! } : { updating: false });
}

/** The key of a whole row: its values in column order as JSON (a DECIMAL's bigint and a MAP as text and entries). */
function rowKey(columns: readonly Column[]): (r: Row) => string {
  const consts = new Constants();
  const values = columns.map((c) => propertyAccess('r', c.name, consts)).join(', ');
  return buildFunction(`function key(r) { return JSON.stringify([${values}], ${consts.ref(replacer)}); }`, consts, helpers);
}

const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v);
