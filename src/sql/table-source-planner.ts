import type { DataStream } from '../api/data-stream.js';
import type { StreamEnvironment } from '../api/stream-environment.js';
import { closestName } from '../core/closest-name.js';
import { WatermarkStrategy } from '../core/watermark-strategy.js';
import type { Expr } from './ast.js';
import type { CatalogTable } from './catalog.js';
import { partitionFilter } from './partition-pruning.js';
import { TABLE_CONNECTORS } from './connectors/table-connectors.js';
import type { TableConnector, TableContext } from './connectors/table-connector.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column, type Scope } from './expression-compiler.js';
import type { CalcParams, Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { readerFor } from './types/value-readers.js';
import { SqlError } from './sql-error.js';
import type { SqlType } from './sql-types.js';

/** The physical columns of a table, as the connector sees them. */
export function physicalColumns(table: CatalogTable): Column[] {
  return table.columns.filter((c) => c.type !== undefined).map((c) => ({ name: c.name, type: c.type!, nullable: !c.notNull }));
}

/** The columns an INSERT writes: the physical ones less VIRTUAL metadata columns, as in Flink. */
export function writableColumns(table: CatalogTable): Column[] {
  const virtual = new Set(table.columns.filter((c) => c.metadata?.virtual).map((c) => c.name));
  return physicalColumns(table).filter((c) => !virtual.has(c.name));
}

/** All columns a query sees: physical then computed ones in declared order, with computed types inferred. */
export function tableColumns(table: CatalogTable): Column[] {
  const physical = physicalColumns(table);
  const out: Column[] = [];
  for (const c of table.columns) {
    if (c.type !== undefined) out.push(physical.find((p) => p.name === c.name)!);
    else {
      const compiled = new ExpressionCompiler(scopeOf(physical, table.name), new Constants(), table.sql).compile(c.computed!);
      out.push({ name: c.name, type: compiled.type, nullable: compiled.nullable });
    }
  }
  return out;
}

export function scopeOf(columns: readonly Column[], name: string, alias?: string): Scope {
  return { columns, qualifiers: alias ? [alias] : [name], description: `table '${name}'` };
}

/** The connector a table names, with its options checked; fails with the closest known name or option. */
export function connectorOf(table: CatalogTable, role: 'source' | 'sink' | 'any'): { connector: TableConnector; ctx: TableContext } {
  const name = table.options.get('connector');
  const fail = (message: string): never => {
    throw new SqlError(`Table '${table.name}': ${message}`);
  };
  if (name === undefined) fail("needs option 'connector' (one of " + TABLE_CONNECTORS.map((c) => `'${c.name}'`).join(', ') + ')');
  const connector = TABLE_CONNECTORS.find((c) => c.name === name);
  if (!connector) {
    const near = closestName(
      name!,
      TABLE_CONNECTORS.map((c) => c.name),
    );
    fail(`connector '${name}' is not supported${near ? `; did you mean '${near}'?` : ''} (supported: ${TABLE_CONNECTORS.map((c) => c.name).join(', ')})`);
  }
  const columns = physicalColumns(table);
  const known = ['connector', ...connector!.options.flatMap((o) => (o.includes('#') ? columns.map((c) => o.replace('#', c.name)) : [o]))];
  for (const key of table.options.keys()) {
    if (!known.includes(key)) {
      const near = closestName(key, known);
      fail(`unsupported option '${key}' for connector '${name}'${near ? `; did you mean '${near}'?` : ''}`);
    }
  }
  if (table.partitionKeys.length > 0 && !connector!.partitioned) fail(`connector '${name}' does not support PARTITIONED BY (the filesystem connector does)`);
  if (role === 'source' && !connector!.source) fail(`connector '${name}' can only be written to (it is a sink)`);
  if (role === 'sink' && !connector!.sink) fail(`connector '${name}' can only be read (it is a source)`);
  const metadata = new Map<string, string>();
  for (const c of table.columns) {
    if (!c.metadata) continue;
    const keys = connector!.metadata ?? [];
    if (!keys.includes(c.metadata.key)) {
      const near = closestName(c.metadata.key, keys);
      fail(
        `connector '${name}' has no metadata '${c.metadata.key}' (column '${c.name}')${near ? `; did you mean '${near}'?` : ''}${keys.length ? ` (available: ${keys.join(', ')})` : ''}`,
      );
    }
    if (role === 'sink' && !c.metadata.virtual) fail(`metadata column '${c.name}' cannot be written; declare it VIRTUAL`);
    metadata.set(c.name, c.metadata.key);
  }
  const ctxColumns = role === 'sink' ? writableColumns(table) : columns;
  return {
    connector: connector!,
    ctx: { table: table.name, columns: ctxColumns, options: table.options, primaryKey: table.primaryKey, partitionKeys: table.partitionKeys, metadata, fail },
  };
}

const READERS: Partial<Record<SqlType['name'], string>> = {
  INT: 'readInt',
  BIGINT: 'readInt',
  DOUBLE: 'readDouble',
  STRING: 'readString',
  BOOLEAN: 'readBoolean',
  TIMESTAMP: 'readTimestamp',
  NULL: 'readString',
};

/**
 * A table as a stream of typed rows: the connector's source, one compiled step that converts its
 * values to the column types and adds computed columns, then the table's watermark strategy.
 */
export function planTableSource(table: CatalogTable, env: StreamEnvironment, where?: TableWhere): DataStream<Row> {
  const { connector, ctx: plain } = connectorOf(table, 'source');
  const pruning = where && table.partitionKeys.length > 0 ? partitionPruning(table, plain.columns, where) : undefined;
  const ctx = pruning ? { ...plain, partitionFilter: pruning.test } : plain;
  const { source, values, convert } = connector.source!(ctx);
  const physical = ctx.columns;
  const computed = table.columns.filter((c) => c.computed !== undefined);
  // EXPLAIN shows which partition columns prune the partitions read (the uid does not depend on the name).
  const pruned = pruning ? ` (partitions pruned on ${pruning.columns.join(', ')})` : '';
  let stream = env.fromSource(source, undefined, `${connector.name}: ${table.name}${pruned}`);
  // Values of a generator are typed already: only computed columns need a step.
  if (values === 'text' || convert || computed.length > 0)
    stream = stream.transform<Row>(`Read ${table.name}`, 'sqlCalc', readParams(table, physical, values, convert));
  if (table.watermark) stream = stream.assignTimestampsAndWatermarks(watermarkStrategy(table));
  return stream;
}

/** The WHERE of the query that reads a table directly, for partition pruning. */
export interface TableWhere {
  readonly expr: Expr;
  /** The name the query gives the table (`FROM t AS x`). */
  readonly alias: string | undefined;
  readonly sql: string;
}

function partitionPruning(table: CatalogTable, columns: readonly Column[], where: TableWhere) {
  const partition = columns.filter((c) => table.partitionKeys.includes(c.name));
  return partitionFilter(partition, table.name, where.alias, where.expr, where.sql);
}

/** A raw row of `table`'s connector as its typed row with computed columns (a lookup join's rows). */
export function rowReader(table: CatalogTable, values: 'text' | 'typed'): (raw: Row) => Row {
  return readParams(table, physicalColumns(table), values).projection!;
}

/** One compiled step: the raw values as the column types, then the computed columns. */
function readParams(table: CatalogTable, physical: readonly Column[], values: 'text' | 'typed', convert?: (raw: Row) => Row): CalcParams {
  const consts = new Constants();
  const converted = convert ? `${consts.ref(convert)}(input)` : 'input';
  const fields: string[] = [];
  for (const c of physical) {
    const read = propertyAccess('raw', c.name, consts);
    // TIMESTAMP(4..9) reads its microseconds: not the generic reader's whole milliseconds.
    const generic = READERS[c.type.name] && !(c.type.name === 'TIMESTAMP' && (c.type.precision ?? 3) > 3);
    const reader = generic ? `$.${READERS[c.type.name]}` : consts.ref(readerFor(c.type));
    const value = values === 'typed' ? read : `${reader}(${read}, ${consts.ref(c.name)})`;
    fields.push(`${propertyKey(c.name, consts)}: ${value}`);
  }
  // Computed columns see the converted physical columns, so they are computed from the new row.
  const compiler = new ExpressionCompiler(scopeOf(physical, table.name), consts, table.sql);
  const assign = table.columns
    .filter((c) => c.computed !== undefined)
    .map((c) => `${propertyAccess('r', c.name, consts)} = ${compiler.compile(c.computed!).code};`);
  const body = `function convert(input) { const raw = ${converted}; const r = { ${fields.join(', ')} }; ${assign.join(' ')} return r; }`;
  return { condition: undefined, projection: buildFunction<(r: Row) => Row>(body, consts, helpers), text: { select: `read ${table.name}` } };
}

/** Whether a table's source is a changelog (a CDC table), as the planner's `updating` flag. */
export function sourceChangelog(table: CatalogTable): { updating: boolean; updatingBy?: string } {
  const connector = TABLE_CONNECTORS.find((c) => c.name === table.options.get('connector'));
  if (!connector?.changelogSource) return { updating: false };
  return { updating: true, updatingBy: `TableSourceScan(table=[[default_catalog, default_database, ${table.name}]])` };
}

/** WATERMARK FOR col AS col | col - INTERVAL 'n' unit, as Weir's watermark strategies. */
function watermarkStrategy(table: CatalogTable): WatermarkStrategy<Row> {
  const wm = table.watermark!;
  const columns = tableColumns(table);
  const col = columns.find((c) => c.name === wm.column);
  if (!col) {
    const near = closestName(
      wm.column,
      columns.map((c) => c.name),
    );
    throw new SqlError(`WATERMARK FOR: column '${wm.column}' not found in table '${table.name}'${near ? `; did you mean '${near}'?` : ''}`);
  }
  if (col.type.name !== 'TIMESTAMP' && col.type.name !== 'TIMESTAMP_LTZ')
    throw new SqlError(`WATERMARK FOR: column '${wm.column}' is ${col.type.name}, not TIMESTAMP(3) or TIMESTAMP_LTZ(3)`);
  const name = wm.column;
  const ts = (r: Row) => r[name] as number;
  const e = wm.expr;
  const isCol = (x: typeof e) => x.kind === 'column' && x.name.parts[x.name.parts.length - 1] === name;
  if (isCol(e)) return WatermarkStrategy.monotonousTimestamps(ts);
  if (e.kind === 'binary' && e.op === '-' && isCol(e.left) && e.right.kind === 'interval') return WatermarkStrategy.boundedOutOfOrderness(e.right.millis, ts);
  throw new SqlError(`WATERMARK FOR ${name} AS <expr>: only '${name}' and '${name} - INTERVAL ...' are supported yet`, e.pos, table.sql);
}
