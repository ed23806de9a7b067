import { microsOf } from '../core/micro-date.js';
import type { Batch } from '../core/batch.js';
import { RowKind } from '../core/row-kind.js';
import type { Sink, SinkWriter, SinkWriterContext } from '../core/sink.js';
import { UpsertBuffer, type Row } from '../connectors/jdbc/jdbc-buffer.js';
import { openConnection, type JdbcConnection } from '../connectors/jdbc/jdbc-connection.js';
import { deleteStatements, insertStatements, type Statement } from '../connectors/jdbc/jdbc-statements.js';
import type { JdbcTarget } from '../connectors/jdbc/jdbc-url.js';
import type { ProjectedColumn } from './pipeline-definition.js';

/** Where the rows of one source table go. */
export interface TableRoute {
  /** The target table, `schema.table` or `table`. */
  readonly target: string;
  /** The target's primary key (after projection renames). */
  readonly key: readonly string[];
  /** The source columns written as they are, after every column of the row (new ones too) when `star`; `undefined`: every column. */
  readonly projection?: { readonly star: boolean; readonly columns: readonly ProjectedColumn[] };
  /** The computed columns of a row, or `undefined` when it fails the transform's filter. */
  readonly evaluate?: (raw: Row, kind: RowKind) => Row | undefined;
}

export interface PipelineSinkOptions {
  readonly target: JdbcTarget;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** By source table id, `database.table` (MySQL) or `schema.table` (PostgreSQL). */
  readonly routes: ReadonlyMap<string, TableRoute>;
  /** The metadata column that holds a row's database or schema. */
  readonly qualifierColumn: 'database_name' | 'schema_name';
  /** The target tables' columns when the job started, by target name. */
  readonly columns: ReadonlyMap<string, readonly string[]>;
  /**
   * Adds `column` of `sourceTable` to `target` (schema evolution): called before the first row that
   * holds it is written. It must be idempotent (a restored job may add it again).
   */
  readonly addColumn: (conn: JdbcConnection, target: string, sourceTable: string, column: string) => Promise<void>;
  /**
   * The route of a source table no route covered at the start (created after it), with its target's
   * columns; the target is created first. Called before the table's first row is written.
   */
  readonly resolveTable?: (sourceTable: string) => Promise<{ route: TableRoute; columns: readonly string[] }>;
  readonly name: string;
}

/** What one flush writes into one target table. */
interface TableWrites {
  readonly target: string;
  readonly upserts: Row[];
  readonly deletes: Row[];
}

interface Pending {
  readonly checkpointId: number;
  readonly writes: TableWrites[];
}

/** The metadata the pipeline's source adds to each row, to route it. */
const META = new Set(['table_name', 'database_name', 'schema_name']);

/**
 * The sink of `weir pipeline`: writes the changelog of many source tables into their target
 * tables (by `database_name`/`table_name` of each row and the routes), as upserts and deletes on
 * each target's key, projected and filtered as the transforms say. A row whose new version no
 * longer passes the filter deletes the key, so a target holds exactly the source rows that pass.
 * Under exactly-once checkpoints a checkpoint's changes are written when it completes, in one
 * transaction (idempotent, so written again after a restore), as the jdbc sink does. A column the
 * target lacks is added first (`addColumn`), which is how ADD COLUMN evolves the target.
 */
export function pipelineSink(o: PipelineSinkOptions): Sink<Row> {
  return {
    name: o.name,
    inputChangelogMode: 'all',
    deliveryGuarantee: 'exactly-once',
    describeUncommitted: (mode) =>
      mode === 'EXACTLY_ONCE'
        ? `${o.name}: changes are written to the target tables when the checkpoint that holds them completes`
        : `${o.name}: rows are written as they arrive`,
    createWriter: (ctx) => new PipelineWriter(o, ctx),
  };
}

/**
 * Dates the decoders made from a timestamp: written as their wall clock, with the microseconds a
 * MicroDate carries below the millisecond (a `timestamp(6)` stays exact).
 */
function plainValue(v: unknown): unknown {
  if (v instanceof Date) {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const micros = microsOf(v);
    return `${p(v.getFullYear(), 4)}-${p(v.getMonth() + 1)}-${p(v.getDate())} ${p(v.getHours())}:${p(v.getMinutes())}:${p(v.getSeconds())}.${p(v.getMilliseconds(), 3)}${micros ? p(micros, 3) : ''}`;
  }
  if (typeof v === 'bigint') return v.toString();
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) return JSON.stringify(v);
  return v;
}

class PipelineWriter implements SinkWriter<Row> {
  private conn: JdbcConnection | undefined;
  private readonly buffers = new Map<string, UpsertBuffer>();
  private readonly known = new Map<string, Set<string>>();
  private readonly routes: Map<string, TableRoute>;
  private pending: Pending[] = [];
  private readonly onCheckpoints: boolean;

  constructor(
    private readonly o: PipelineSinkOptions,
    ctx: SinkWriterContext,
  ) {
    this.onCheckpoints = ctx.checkpointingMode === 'EXACTLY_ONCE';
    for (const [t, cols] of o.columns) this.known.set(t, new Set(cols));
    this.routes = new Map(o.routes);
  }

  async recover(committables: unknown[]): Promise<void> {
    try {
      this.conn = await openConnection(this.o.target, this.o.user, this.o.password);
    } catch (e) {
      throw this.error('cannot connect', e);
    }
    const restored = (committables as (Pending[] | null)[]).flatMap((c) => c ?? []).sort((a, b) => a.checkpointId - b.checkpointId);
    for (const p of restored) await this.apply(p.writes);
  }

  write(batch: Batch<Row>): Promise<void> | undefined {
    const { values, kinds } = batch;
    const rows: { route: TableRoute; row: Row; kind: RowKind }[] = [];
    let missing: { target: string; source: string; column: string }[] | undefined;
    let unknown: Set<string> | undefined;
    for (const raw of values) {
      const source = `${String(raw[this.o.qualifierColumn])}.${String(raw.table_name)}`;
      if (!this.routes.has(source)) (unknown ??= new Set()).add(source);
    }
    if (unknown) return this.addTables(unknown).then(() => this.write(batch));
    for (let i = 0; i < values.length; i++) {
      const raw = values[i]!;
      const source = `${String(raw[this.o.qualifierColumn])}.${String(raw.table_name)}`;
      const route = this.routes.get(source)!;
      let kind = kinds === undefined ? RowKind.INSERT : (kinds[i] as RowKind);
      if (kind === RowKind.UPDATE_BEFORE) continue;
      let computed: Row | undefined;
      if (kind !== RowKind.DELETE && route.evaluate && !(computed = route.evaluate(raw, kind))) kind = RowKind.DELETE;
      const row: Row = {};
      const p = route.projection;
      if (!p || p.star) for (const k in raw) if (!META.has(k)) row[k] = plainValue(raw[k]);
      if (p) for (const c of p.columns) row[c.to] = plainValue(raw[c.from]);
      // A delete needs only the key, which is never computed.
      if (computed && kind !== RowKind.DELETE) Object.assign(row, computed);
      const known = this.known.get(route.target)!;
      for (const k in row) {
        if (!known.has(k)) {
          known.add(k);
          (missing ??= []).push({ target: route.target, source, column: k });
        }
      }
      rows.push({ route, row, kind });
    }
    const add = (): Promise<void> | undefined => {
      for (const r of rows) this.bufferOf(r.route).add(r.row, r.kind);
      return this.onCheckpoints ? undefined : this.flush();
    };
    if (!missing) return add();
    return (async () => {
      for (const m of missing) {
        try {
          await this.o.addColumn(this.conn!, m.target, m.source, m.column);
        } catch (e) {
          throw this.error(`adding column ${m.column} (new in ${m.source}) to ${m.target} failed`, e);
        }
      }
      await add();
    })();
  }

  preCommit(checkpointId: number): Pending[] | Promise<null> {
    if (!this.onCheckpoints) return this.flush().then(() => null);
    const writes = this.drain();
    if (writes.length > 0) this.pending.push({ checkpointId, writes });
    return this.pending.slice();
  }

  async commit(checkpointId: number): Promise<void> {
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
    for (const p of due) await this.apply(p.writes);
  }

  async finish(): Promise<void> {
    for (const p of this.pending) await this.apply(p.writes);
    this.pending = [];
    await this.flush();
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => {});
  }

  /** Routes the tables found after the start, creating their targets. */
  private async addTables(sources: Set<string>): Promise<void> {
    for (const source of sources) {
      if (!this.o.resolveTable) throw new Error(`${this.o.name}: a row of ${source}, which no route covers`);
      let found;
      try {
        found = await this.o.resolveTable(source);
      } catch (e) {
        throw this.error(`creating the target of ${source} (new in the source) failed`, e);
      }
      this.routes.set(source, found.route);
      if (!this.known.has(found.route.target)) this.known.set(found.route.target, new Set(found.columns));
    }
  }

  private bufferOf(route: TableRoute): UpsertBuffer {
    let b = this.buffers.get(route.target);
    if (!b) this.buffers.set(route.target, (b = new UpsertBuffer(route.key)));
    return b;
  }

  private drain(): TableWrites[] {
    const out: TableWrites[] = [];
    for (const [target, b] of this.buffers) if (b.size > 0) out.push({ target, ...b.drain() });
    return out;
  }

  private flush(): Promise<void> {
    return this.apply(this.drain());
  }

  /** One transaction: per target the deletes, then the upserts, one INSERT per set of columns (rows from before an ADD COLUMN lack it). */
  private async apply(writes: readonly TableWrites[]): Promise<void> {
    const conn = this.conn;
    if (!conn) throw new Error(`${this.o.name}: written to before it was opened`);
    const statements: Statement[] = [];
    for (const w of writes) {
      const key = [...this.keyOf(w.target)];
      if (w.deletes.length) statements.push(...deleteStatements(conn.dialect, w.target, key, w.deletes));
      const byColumns = new Map<string, Row[]>();
      for (const r of w.upserts) {
        const sig = Object.keys(r).join('\u0000');
        let list = byColumns.get(sig);
        if (!list) byColumns.set(sig, (list = []));
        list.push(r);
      }
      for (const list of byColumns.values()) statements.push(...insertStatements(conn.dialect, w.target, Object.keys(list[0]!), key, list));
    }
    if (statements.length === 0) return;
    try {
      await conn.transaction(statements);
    } catch (e) {
      throw this.error(`writing ${writes.map((w) => `${w.upserts.length + w.deletes.length} change(s) to ${w.target}`).join(', ')} failed`, e);
    }
  }

  private keyOf(target: string): readonly string[] {
    for (const r of this.routes.values()) if (r.target === target) return r.key;
    throw new Error(`${this.o.name}: no route writes ${target}`);
  }

  private error(what: string, cause: unknown): Error {
    const t = this.o.target;
    const db = `${t.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL'} ${t.host}:${t.port}/${t.database}`;
    return new Error(`${this.o.name} (${db}): ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
