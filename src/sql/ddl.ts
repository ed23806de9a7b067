import { startOffset, type Statement } from './ast.js';
import type { Catalog, CatalogTable } from './catalog.js';
import { SqlError } from './sql-error.js';
import { formatType } from './sql-types.js';
import { connectorOf, tableColumns } from './table-source-planner.js';
import type { Row } from './operators/calc-operator.js';
import type { Column } from './expression-compiler.js';
import { T } from './sql-types.js';

type CreateTable = Extract<Statement, { kind: 'createTable' }>;

/** Checks a CREATE TABLE (names, key, watermark, computed columns, connector and options) and adds it. */
export function createTable(s: CreateTable, catalog: Catalog, sql: string): void {
  const name = catalog.objectName(s.name, sql);
  const seen = new Set<string>();
  for (const c of s.columns) {
    if (seen.has(c.name)) throw new SqlError(`Column '${c.name}' is declared twice`, c.pos, sql);
    seen.add(c.name);
  }
  for (const k of s.primaryKey ?? []) if (!seen.has(k)) throw new SqlError(`PRIMARY KEY column '${k}' is not a column of '${name}'`, s.name.pos, sql);
  for (const k of s.partitionKeys) if (!seen.has(k)) throw new SqlError(`PARTITIONED BY column '${k}' is not a column of '${name}'`, s.name.pos, sql);
  const table: CatalogTable = {
    kind: 'table',
    name,
    temporary: s.temporary,
    columns: s.columns,
    watermark: s.watermark,
    primaryKey: s.primaryKey,
    partitionKeys: s.partitionKeys,
    options: s.options,
    sql,
  };
  tableColumns(table); // type-checks computed columns
  if (s.watermark && !seen.has(s.watermark.column))
    throw new SqlError(`WATERMARK FOR: column '${s.watermark.column}' is not a column of '${name}'`, s.watermark.pos, sql);
  const connector = s.options.get('connector');
  if (connector !== undefined || s.options.size > 0) {
    const { connector: c } = connectorOf(table, 'any');
    void c;
  }
  catalog.add(table, s.ifNotExists, s.name, sql);
}

const DESCRIBE_COLUMNS: Column[] = ['name', 'type', 'null', 'key', 'extras', 'watermark'].map((name) => ({
  name,
  type: name === 'null' ? T.BOOLEAN : T.STRING,
  nullable: true,
}));

/** DESCRIBE's rows, as Flink's: name, type, null, key, extras (computed expression), watermark. */
export function describeTable(table: CatalogTable): { columns: Column[]; rows: Row[] } {
  const cols = tableColumns(table);
  const rows = table.columns.map((def, i) => {
    const col = cols[i]!;
    const rowtime = table.watermark?.column === def.name;
    return {
      name: def.name,
      type: formatType(col.type, def.notNull || (table.primaryKey?.includes(def.name) ?? false)) + (rowtime ? ' *ROWTIME*' : ''),
      null: !(def.notNull || (table.primaryKey?.includes(def.name) ?? false)),
      key: table.primaryKey?.includes(def.name) ? `PRI(${table.primaryKey.join(', ')})` : null,
      extras: def.computed
        ? `AS ${sliceExpr(table.sql, startOffset(def.computed))}`
        : def.metadata
          ? `METADATA FROM '${def.metadata.key}'${def.metadata.virtual ? ' VIRTUAL' : ''}`
          : null,
      watermark: rowtime ? sliceExpr(table.sql, startOffset(table.watermark!.expr)) : null,
    };
  });
  return { columns: DESCRIBE_COLUMNS, rows };
}

/** The expression text from `offset` to the next top-level ',' or ')'. */
function sliceExpr(sql: string, offset: number): string {
  let depth = 0;
  let i = offset;
  let quoted = false;
  for (; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) break;
    else if (ch === ',' && depth === 0) break;
  }
  return sql.slice(offset, i).trim().replace(/\s+/g, ' ');
}
