import { AsyncDataStream } from '../api/async-data-stream.js';
import type { DataStream } from '../api/data-stream.js';
import type { Expr } from './ast.js';
import type { PlanContext, PlannedQuery } from './calc-planner.js';
import type { CatalogEntry } from './catalog.js';
import { buildFunction, Constants, propertyAccess } from './expression-compiler.js';
import { conditionText } from './join-conditions.js';
import { truncate } from './join-filter.js';
import type { Relation } from './join-relation.js';
import { keyTupleFunction } from './join-row-functions.js';
import { lookupOptions } from './lookup-options.js';
import type { Row } from './operators/calc-operator.js';
import { LookupJoinFunction, type LookupJoinParams } from './operators/lookup-join-function.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { formatType } from './sql-types.js';
import { connectorOf, rowReader } from './table-source-planner.js';

/** Column types a lookup join's database query may take as keys. */
const QUERY_KEY_TYPES = new Set(['INT', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN']);

/** Probe rows a lookup join keeps in flight per subtask: its keys go to the database in batches of up to this many. */
const LOOKUP_CAPACITY = 4096;

/** What the temporal join planner knows when the join is a lookup join. */
export interface LookupJoinPlan {
  readonly entry: CatalogEntry;
  /** Left side, the table's column, the equality as written. */
  readonly keys: readonly [Expr, string, Expr][];
  readonly l: Relation;
  readonly r: Relation;
  readonly lp: PlannedQuery;
  readonly common: Pick<LookupJoinParams, 'type' | 'combine' | 'nullRight' | 'residual'>;
  readonly probeKey: readonly Expr[];
  readonly asOf: Expr;
  readonly asOfField: string;
  readonly text: { readonly type: string; readonly on: string };
  readonly ctx: PlanContext;
}

/**
 * A processing-time temporal join, as Flink's lookup join: each left row joined with the rows of
 * the lookup table (`jdbc`, or `filesystem` read whole) whose key columns equal its key, as the
 * table is now. A table read whole joins synchronously (`sqlSideInputJoin`); a database is queried
 * per batch of keys on the ordered async I/O operator.
 *
 * @example
 * // ... FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id
 * lookupJoin({ entry: customers, keys: [[o.cid, 'id', eq]], ... }) // LookupJoin(table=[customers], ...)
 */
export function lookupJoin(x: LookupJoinPlan): DataStream<Row> {
  const { entry, keys, l, r, lp, common, probeKey, asOf, asOfField, ctx } = x;
  const { sql } = ctx;
  const typeName = x.text.type;
  const onText = x.text.on;
  if (entry.kind === 'view')
    throw new SqlError(
      `FOR SYSTEM_TIME AS OF ${conditionText(asOf, sql)}: '${asOfField}' is not an event-time attribute of the left input, and view '${entry.name}' is not a lookup table`,
      asOf.pos,
      sql,
    );
  const { connector, ctx: tctx } = connectorOf(entry, 'any');
  if (!connector.lookup)
    throw new SqlError(
      `FOR SYSTEM_TIME AS OF ${conditionText(asOf, sql)}: '${asOfField}' is not an event-time attribute of the left input (a WATERMARK FOR column), ` +
        `so this is a processing-time join, which needs a lookup table ('jdbc' or 'filesystem'); '${entry.name}' is '${connector.name}'`,
      asOf.pos,
      sql,
    );
  const keyColumns = keys.map(([, k]) => k);
  const lookup = connector.lookup(tctx, keyColumns);
  if (!lookup.whole)
    for (const [, k, eq] of keys) {
      // Key values go to the database as query parameters: only types whose value the database reads as written.
      const type = r.columns.find((c) => c.name === k)!.type;
      if (!QUERY_KEY_TYPES.has(type.name))
        throw new SqlError(
          `Lookup key column '${k}' of '${entry.name}' is ${formatType(type)}: a lookup join queries by INT, BIGINT, DOUBLE, STRING or BOOLEAN keys only yet`,
          eq.pos,
          sql,
        );
    }
  const tableKeyConsts = new Constants();
  const tableKey = buildFunction<(r: Row) => unknown[] | null>(
    `function tableKey(r) { const k = [${keyColumns.map((k) => propertyAccess('r', k, tableKeyConsts)).join(', ')}]; return k.includes(null) ? null : k; }`,
    tableKeyConsts,
    helpers,
  );
  const params: LookupJoinParams = {
    ...common,
    table: entry.name,
    lookup,
    options: lookupOptions(tctx),
    probeKey: keyTupleFunction(probeKey, l, sql),
    tableKey,
    read: rowReader(entry, lookup.values),
  };
  const name = truncate(`LookupJoin(table=[${entry.name}], joinType=[${typeName}], lookup=[${keyColumns.join(', ')}], on=[${onText}])`);
  // A table read whole joins synchronously; a database is queried per batch of keys, asynchronously, in order.
  const stream = lookup.whole
    ? lp.stream().transform<Row>(name, 'sqlSideInputJoin', params)
    : AsyncDataStream.orderedWait<Row, Row>(lp.stream(), new LookupJoinFunction(params), { timeout: 0, capacity: LOOKUP_CAPACITY }).name(name);
  return stream;
}
