import type { Batch } from '../../core/batch.js';
import { RowKind, rowKindShort } from '../../core/row-kind.js';
import type { Sink, SinkWriter, SinkWriterContext } from '../../core/sink.js';
import { AppendBuffer, UpsertBuffer, type PendingWrites, type Row } from './jdbc-buffer.js';
import { openConnection, type JdbcConnection } from './jdbc-connection.js';
import { resolveJdbcOptions, type JdbcSinkOptions, type ResolvedJdbcOptions } from './jdbc-options.js';
import { deleteStatements, insertStatements, type Statement } from './jdbc-statements.js';

/**
 * Writes rows to a PostgreSQL, MySQL or MariaDB table, as Flink's JDBC sink: with a primary key,
 * a changelog as upserts (`INSERT ... ON CONFLICT DO UPDATE`, `INSERT ... ON DUPLICATE KEY UPDATE`)
 * and deletes; without one, `+I` rows appended. Each flush is one transaction.
 *
 * With a key under exactly-once checkpoints, the changes of a checkpoint are written when it
 * completes (they are kept in it until then, and written again after a restore: upserts and deletes
 * by key are idempotent), so the table never holds a change that a restore could take back: it
 * converges to the source after any number of crashes. Otherwise rows are flushed when
 * 'sink.buffer-flush.max-rows' are buffered, every 'sink.buffer-flush.interval', on each checkpoint
 * and at the end of the input (at-least-once).
 *
 * @example
 * stream.sinkTo(jdbcSink({ url: 'jdbc:postgresql://localhost:5432/shop', 'table-name': 'orders', username: 'app', primaryKey: ['id'] }));
 */
export function jdbcSink(options: JdbcSinkOptions): Sink<Row> {
  const o = resolveJdbcOptions(options);
  return {
    name: o.name,
    inputChangelogMode: o.key ? 'all' : 'insert-only',
    deliveryGuarantee: o.key ? 'exactly-once' : 'at-least-once',
    describeUncommitted: (mode) =>
      o.key && mode === 'EXACTLY_ONCE'
        ? `${o.name}: changes are written to the table when the checkpoint that holds them completes; those after the last one are written by the next run that resumes from it`
        : `${o.name}: rows are written as they are flushed`,
    createWriter: (ctx) => new JdbcWriter(o, ctx),
  };
}

/** The changes of one checkpoint, held until it completes. */
interface Pending extends PendingWrites {
  readonly checkpointId: number;
}

class JdbcWriter implements SinkWriter<Row> {
  private conn: JdbcConnection | undefined;
  private readonly buffer: UpsertBuffer | AppendBuffer;
  private columns: readonly string[] | undefined;
  /** The flushes in order: each starts when the one before it is done. */
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private timer: NodeJS.Timeout | undefined;
  /** Exactly-once: writes wait for their checkpoint to complete, in `pending`. */
  private readonly onCheckpoints: boolean;
  private pending: Pending[] = [];

  constructor(
    private readonly o: ResolvedJdbcOptions,
    ctx: SinkWriterContext,
  ) {
    this.buffer = o.key ? new UpsertBuffer(o.key) : new AppendBuffer();
    this.columns = o.columns;
    this.onCheckpoints = o.key !== undefined && ctx.checkpointingMode === 'EXACTLY_ONCE';
  }

  /**
   * Connects before any input, so a wrong URL or password fails the job at its start; after a
   * restore, writes the changes of the restored checkpoint that may not have been written.
   */
  async recover(committables: unknown[]): Promise<void> {
    try {
      this.conn = await openConnection(this.o.target, this.o.user, this.o.password);
    } catch (e) {
      throw this.error('cannot connect', e);
    }
    const restored = (committables as (Pending[] | null)[]).flatMap((c) => c ?? []).sort((a, b) => a.checkpointId - b.checkpointId);
    for (const p of restored) {
      if (p.upserts.length > 0 && this.columns === undefined) this.columns = Object.keys(p.upserts[0]!);
      await this.apply(p);
    }
    if (this.o.intervalMs > 0 && !this.onCheckpoints) {
      this.timer = setInterval(() => {
        this.flush().catch((e: unknown) => (this.failure = e));
      }, this.o.intervalMs);
      this.timer.unref();
    }
  }

  write(batch: Batch<Row>): Promise<void> | undefined {
    if (this.failure !== undefined) throw this.failure;
    const { values, kinds } = batch;
    if (this.columns === undefined && values.length > 0) this.columns = Object.keys(values[0]!);
    if (this.buffer instanceof UpsertBuffer) {
      for (let i = 0; i < values.length; i++) this.buffer.add(values[i]!, kinds === undefined ? RowKind.INSERT : (kinds[i] as RowKind));
    } else {
      for (let i = 0; i < values.length; i++) {
        const kind = kinds === undefined ? RowKind.INSERT : (kinds[i] as RowKind);
        if (kind !== RowKind.INSERT)
          throw new Error(`${this.o.name}: a ${rowKindShort(kind)} row came to a sink without a primary key, which can only append rows; declare the key`);
        this.buffer.add(values[i]!);
      }
    }
    return !this.onCheckpoints && this.o.maxRows > 0 && this.buffer.size >= this.o.maxRows ? this.flush() : undefined;
  }

  /**
   * Exactly-once: the checkpoint keeps this checkpoint's changes and those of earlier ones not yet
   * written. Otherwise everything buffered is written before the checkpoint completes.
   */
  preCommit(checkpointId: number): Pending[] | Promise<null> {
    if (!this.onCheckpoints) return this.flush().then(() => null);
    if (this.buffer.size > 0) this.pending.push({ checkpointId, ...this.buffer.drain() });
    return this.pending.slice();
  }

  /** Writes the changes of every checkpoint up to `checkpointId`, which completed. */
  async commit(checkpointId: number): Promise<void> {
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return;
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
    for (const p of due) this.inflight = this.inflight.then(() => this.apply(p));
    await this.inflight;
  }

  /** The input ended: everything is written, pending checkpoints' changes first. */
  async finish(): Promise<void> {
    for (const p of this.pending) this.inflight = this.inflight.then(() => this.apply(p));
    this.pending = [];
    await this.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.inflight.catch(() => {});
    await this.conn?.close().catch(() => {});
  }

  private flush(): Promise<void> {
    if (this.buffer.size > 0) {
      const writes = this.buffer.drain();
      this.inflight = this.inflight.then(() => this.apply(writes));
    }
    return this.inflight;
  }

  private async apply(w: PendingWrites): Promise<void> {
    const conn = this.conn;
    if (!conn) throw new Error(`${this.o.name}: written to before it was opened`);
    const { table, key } = this.o;
    const statements: Statement[] = [];
    if (key && w.deletes.length) statements.push(...deleteStatements(conn.dialect, table, key, w.deletes));
    if (w.upserts.length) statements.push(...insertStatements(conn.dialect, table, this.columns!, key, w.upserts));
    if (statements.length === 0) return;
    try {
      await conn.transaction(statements);
    } catch (e) {
      throw this.error(`writing ${w.upserts.length} row(s) and deleting ${w.deletes.length} failed`, e);
    }
  }

  private error(what: string, cause: unknown): Error {
    const db = `${this.o.target.dialect === 'postgres' ? 'PostgreSQL' : 'MySQL'} ${this.o.target.host}:${this.o.target.port}/${this.o.target.database}`;
    return new Error(`${this.o.name} (${db}): ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
