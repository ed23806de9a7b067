import type { Batch } from '../../core/batch.js';
import { RowKind, rowKindShort } from '../../core/row-kind.js';
import type { Sink, SinkWriter } from '../../core/sink.js';
import { AppendBuffer, UpsertBuffer, type PendingWrites, type Row } from './jdbc-buffer.js';
import { openConnection, type JdbcConnection } from './jdbc-connection.js';
import { resolveJdbcOptions, type JdbcSinkOptions, type ResolvedJdbcOptions } from './jdbc-options.js';
import { deleteStatements, insertStatements, type Statement } from './jdbc-statements.js';

/**
 * Writes rows to a PostgreSQL, MySQL or MariaDB table, as Flink's JDBC sink: with a primary key,
 * a changelog as upserts (`INSERT ... ON CONFLICT DO UPDATE`, `INSERT ... ON DUPLICATE KEY UPDATE`)
 * and deletes, which are idempotent, so a job restored from a checkpoint converges to the same
 * table; without one, `+I` rows appended. Rows are buffered and written in one transaction per
 * flush: when 'sink.buffer-flush.max-rows' rows are buffered, every 'sink.buffer-flush.interval',
 * on each checkpoint (before it completes) and at the end of the input.
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
    createWriter: () => new JdbcWriter(o),
  };
}

class JdbcWriter implements SinkWriter<Row> {
  private conn: JdbcConnection | undefined;
  private readonly buffer: UpsertBuffer | AppendBuffer;
  private columns: readonly string[] | undefined;
  /** The flushes in order: each starts when the one before it is done. */
  private inflight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ResolvedJdbcOptions) {
    this.buffer = o.key ? new UpsertBuffer(o.key) : new AppendBuffer();
    this.columns = o.columns;
  }

  /** Connects before any input, so a wrong URL or password fails the job at its start. */
  async recover(): Promise<void> {
    try {
      this.conn = await openConnection(this.o.target, this.o.user, this.o.password);
    } catch (e) {
      throw this.error('cannot connect', e);
    }
    if (this.o.intervalMs > 0) {
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
    return this.o.maxRows > 0 && this.buffer.size >= this.o.maxRows ? this.flush() : undefined;
  }

  /** Everything written so far is in the table once the checkpoint completes. */
  preCommit(): Promise<null> {
    return this.flush().then(() => null);
  }

  async finish(): Promise<void> {
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
