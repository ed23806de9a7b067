import mysql from 'mysql2/promise';
import pg from 'pg';
import { StreamEnvironment } from '../index.js';
import { ConfigError } from '../core/errors.js';
import type { JobClient } from '../graph/job-executor.js';
import { openConnection, type JdbcConnection } from '../connectors/jdbc/jdbc-connection.js';
import { quoteTable } from '../connectors/jdbc/jdbc-statements.js';
import { parseJdbcUrl, type JdbcTarget } from '../connectors/jdbc/jdbc-url.js';
import type { PipelineDefinition } from './pipeline-definition.js';
import { pipelineSink, type TableRoute } from './pipeline-sink.js';
import { pipelineSource, type PipelineTable } from './pipeline-sources.js';
import { columnDefinition, type SourceColumn } from './target-schema.js';
import { compileTransform } from './transform-compiler.js';

type Row = Record<string, unknown>;

const idOf = (t: PipelineTable): string => `${t.qualifier}.${t.table}`;

/** What a pipeline does with one source table. */
export interface TablePlan {
  readonly source: PipelineTable;
  readonly route: TableRoute;
  /** The target's DDL, run with IF NOT EXISTS. */
  readonly ddl: string[];
  /** The definitions of the computed columns by name (to add one an existing target lacks). */
  readonly computed: ReadonlyMap<string, string>;
}

/** The sink table of `t`: the first route whose pattern matches, else the source's own `database.table`. */
function targetOf(def: PipelineDefinition, t: PipelineTable): string {
  const id = idOf(t);
  const r = def.routes.find((x) => x.sourceTable.test(id));
  if (!r) return id;
  return r.replaceSymbol ? r.sinkTable.split(r.replaceSymbol).join(t.table) : r.sinkTable;
}

/**
 * Plans every source table: its target table (routes), the columns written (transforms), the
 * target key, and the DDL creating the target from the source's columns.
 */
export function planTables(def: PipelineDefinition, tables: readonly { table: PipelineTable; columns: SourceColumn[] }[], target: JdbcTarget): TablePlan[] {
  const d = target.dialect === 'postgres' ? { quote: (s: string) => `"${s.replace(/"/g, '""')}"` } : { quote: (s: string) => `\`${s.replace(/`/g, '``')}\`` };
  return tables.map(({ table: t, columns: cols }) => {
    const id = idOf(t);
    const name = targetOf(def, t);
    const rule = def.transforms.find((x) => x.sourceTable.test(id));
    const names =
      def.source.type === 'mysql'
        ? { namespace: t.qualifier, schema: t.qualifier, table: t.table }
        : { namespace: String(def.source.options['database-name'] ?? ''), schema: t.qualifier, table: t.table };
    const compiled = compileTransform(rule, id, cols, names, target.dialect);
    const projection = compiled.projection;
    const rename = (c: string) => (projection && !projection.star ? projection.columns.find((p) => p.from === c)?.to : c);
    const key = t.keyColumns.map((k) => {
      const to = rename(k);
      if (to === undefined) throw new ConfigError(`pipeline transform of ${id}: the projection leaves out key column ${k}, by which changes are applied`);
      return to;
    });
    const defs = compiled.columns.map((c) =>
      'computed' in c ? `${d.quote(c.computed)} ${c.type}` : columnDefinition(target.dialect, { ...c.source, name: c.name }, d.quote, `pipeline table ${id}`),
    );
    const quoted = name
      .split('.')
      .map((p) => d.quote(p))
      .join('.');
    const ddl: string[] = [];
    if (name.includes('.')) ddl.push(`${target.dialect === 'postgres' ? 'CREATE SCHEMA' : 'CREATE DATABASE'} IF NOT EXISTS ${d.quote(name.split('.')[0]!)}`);
    ddl.push(`CREATE TABLE IF NOT EXISTS ${quoted} (${defs.join(', ')}, PRIMARY KEY (${key.map(d.quote).join(', ')}))`);
    return {
      source: t,
      route: { target: name, key, ...(projection ? { projection } : {}), ...(compiled.evaluate ? { evaluate: compiled.evaluate } : {}) },
      ddl,
      computed: new Map(compiled.columns.flatMap((c) => ('computed' in c ? [[c.computed, `${d.quote(c.computed)} ${c.type}`] as const] : []))),
    };
  });
}

/** The columns `table` has in the target now. */
async function targetColumns(conn: pg.Client | mysql.Connection, dialect: 'postgres' | 'mysql', defaultSchema: string, table: string): Promise<string[]> {
  const [schema, name] = table.includes('.') ? table.split('.') : [defaultSchema, table];
  if (dialect === 'postgres') {
    const r = await (conn as pg.Client).query('SELECT column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [
      schema,
      name,
    ]);
    return r.rows.map((x: { c: string }) => x.c);
  }
  const [rows] = await (conn as mysql.Connection).query<mysql.RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, name],
  );
  return rows.map((x) => String(x.c));
}

/**
 * Starts a pipeline: finds the source tables, creates their targets, and runs one job that
 * snapshots every table and follows the binlog into the targets (see docs/cdc.md, `weir pipeline`).
 *
 * @example
 * const job = await startPipeline(parsePipeline(yamlText, 'mysql-to-postgres.yaml'));
 * await job.result;
 */
export async function startPipeline(def: PipelineDefinition, overrides: Record<string, unknown> = {}): Promise<{ job: JobClient; tables: TablePlan[] }> {
  const source = pipelineSource(def);
  const target = parseJdbcUrl(def.sink.url);
  const user = def.sink.username ?? target.user;
  const password = def.sink.password ?? target.password;
  const plans = planTables(def, await source.tables(), target);
  const known = new Map<string, readonly string[]>();
  const conn = await openConnection(target, user, password);
  try {
    for (const p of plans) for (const ddl of p.ddl) await conn.transaction([{ sql: ddl, params: [] }]);
  } finally {
    await conn.close();
  }
  const auth = { ...(user ? { user } : {}), ...(password ? { password } : {}) };
  const openCheck = async (): Promise<pg.Client | mysql.Connection> => {
    if (target.dialect !== 'postgres') {
      const m = await mysql.createConnection({ host: target.host, port: target.port, database: target.database, ...auth });
      // An idle connection whose server goes away emits 'error'; unheard, it would kill the process.
      m.on('error', () => {});
      return m;
    }
    const c = new pg.Client({ host: target.host, port: target.port, database: target.database, ...auth });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  const check = await openCheck();
  try {
    for (const p of plans)
      known.set(p.route.target, await targetColumns(check, target.dialect, target.dialect === 'postgres' ? 'public' : target.database, p.route.target));
  } finally {
    await check.end();
  }
  const routes = new Map(plans.map((p) => [idOf(p.source), p.route]));
  const keys = new Map(plans.map((p) => [idOf(p.source), p.source.keyColumns]));
  // An existing target without a computed column gets it as a new source column would.
  const computed = new Map(plans.map((p) => [idOf(p.source), p.computed]));
  // A table the source found after the start: planned, and its target created, at its first row.
  const resolving = new Map<string, Promise<{ route: TableRoute; columns: readonly string[] }>>();
  const resolveTable = (sourceTable: string) => {
    let r = resolving.get(sourceTable);
    if (!r) {
      const dot = sourceTable.indexOf('.');
      r = (async () => {
        const [plan] = planTables(def, [await source.table(sourceTable.slice(0, dot), sourceTable.slice(dot + 1))], target);
        computed.set(sourceTable, plan!.computed);
        const conn = await openConnection(target, user, password);
        try {
          for (const ddl of plan!.ddl) await conn.transaction([{ sql: ddl, params: [] }]);
        } finally {
          await conn.close();
        }
        const check = await openCheck();
        try {
          const columns = await targetColumns(check, target.dialect, target.dialect === 'postgres' ? 'public' : target.database, plan!.route.target);
          return { route: plan!.route, columns };
        } finally {
          await check.end();
        }
      })();
      resolving.set(sourceTable, r);
      // A failure fails the job; a restarted attempt tries again.
      r.catch(() => resolving.delete(sourceTable));
    }
    return r;
  };
  const addColumn = async (conn: JdbcConnection, table: string, sourceTable: string, column: string): Promise<void> => {
    const dot = sourceTable.indexOf('.');
    let def = computed.get(sourceTable)?.get(column);
    if (def === undefined) {
      const col = (await source.columns(sourceTable.slice(0, dot), sourceTable.slice(dot + 1))).find((x) => x.name === column);
      if (!col) throw new Error(`column ${column} is not in ${sourceTable} any more`);
      def = columnDefinition(target.dialect, { ...col, nullable: true }, (s) => conn.dialect.quote(s), sourceTable);
    }
    const sql = `ALTER TABLE ${quoteTable(conn.dialect, table)} ADD COLUMN ${target.dialect === 'postgres' ? 'IF NOT EXISTS ' : ''}${def}`;
    try {
      await conn.transaction([{ sql, params: [] }]);
    } catch (e) {
      // MySQL has no ADD COLUMN IF NOT EXISTS: a column a restored job added already is fine.
      if ((e as { errno?: number }).errno !== 1060) throw e;
    }
  };
  const env = StreamEnvironment.create({
    parallelism: def.parallelism,
    slotMode: 'single-thread',
    'execution.checkpointing.interval': '10s',
    ...def.settings,
    ...overrides,
  });
  const q = source.qualifierColumn;
  env
    .fromSource(source.source)
    .keyBy((r: Row) => {
      const id = `${String(r[q])}.${String(r.table_name)}`;
      const key = keys.get(id);
      // A table new since the start goes to one sink subtask whole: its key columns are not known here.
      if (key === undefined) return id;
      return `${id}\u0000${key.map((k) => String(r[k])).join('\u0000')}`;
    })
    .sinkTo(
      pipelineSink({
        target,
        user,
        password,
        routes,
        qualifierColumn: q,
        columns: known,
        addColumn,
        resolveTable,
        name: `pipeline sink ${target.dialect}://${target.host}:${target.port}/${target.database}`,
      }),
    );
  return { job: env.executeAsync(def.name), tables: plans };
}
