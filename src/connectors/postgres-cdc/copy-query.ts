import type { Connection, Submittable } from 'pg';
import type { CopyColumn, TextParser } from './copy-text-decoder.js';
import { CopyTextDecoder } from './copy-text-decoder.js';
import type { Row } from './row-changes.js';

/** What a simple-query script returns: each statement's rows (text fields), and the rows each COPY sent. */
export interface CopyQueryResult {
  /** Per statement in order, its rows as text fields (null for NULL). */
  readonly statements: (string | null)[][][];
  /** Per COPY statement in order, its rows. */
  readonly copies: Row[][];
}

/**
 * Bytes of COPY data decoded at a time. The server sends a message per line; copying each into
 * one buffer and making one string of many lines costs a fraction of making a string per line, and
 * errors are caught per group, not per line. Small, since a long text value of a row is a slice of
 * its group's string and keeps it alive.
 */
const GROUP_BYTES = 16 * 1024;

/**
 * A script of statements sent in one round trip (the simple query protocol) whose one
 * `COPY (...) TO STDOUT` statements come back as rows, decoded as the data arrives while the server is still
 * writing the rest. The columns of the copied rows are those of the last statement before the COPY
 * that returned a row description (a `SELECT ... LIMIT 0` of the same query gives them, in the same
 * transaction). Passed to `client.query`, which calls the `handle*` methods as the server answers.
 *
 * @example
 * const q = new CopyQuery('BEGIN; SELECT * FROM t LIMIT 0; COPY (SELECT * FROM t) TO STDOUT; COMMIT', (oid) => pg.types.getTypeParser(oid));
 * client.query(q);
 * const [rows] = (await q.result).copies;
 */
export class CopyQuery implements Submittable {
  readonly result: Promise<CopyQueryResult>;
  private resolve!: (r: CopyQueryResult) => void;
  private reject!: (e: unknown) => void;
  private readonly statements: (string | null)[][][] = [];
  private current: (string | null)[][] = [];
  private columns: CopyColumn[] | undefined;
  private decoder: CopyTextDecoder | undefined;
  private readonly copies: Row[][] = [];
  /** The rows of the COPY under way. */
  private copied: Row[] = [];
  /** COPY data not decoded yet: complete lines, and maybe the start of one that the next message ends. */
  private pending = Buffer.allocUnsafe(GROUP_BYTES);
  private used = 0;
  private failure: unknown;

  constructor(
    private readonly text: string,
    private readonly parserOf: (oid: number) => TextParser,
  ) {
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // The caller may meet an error only after awaiting something else first.
    this.result.catch(() => {});
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleRowDescription(msg: { fields: { name: string; dataTypeID: number }[] }): void {
    this.columns = msg.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
    this.decoder = undefined;
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.current.push(msg.fields);
  }

  handleCommandComplete(msg: { text: string }): void {
    // `COPY n`: the command tag tells a COPY that sent no rows from a statement that is none.
    if (msg.text.startsWith('COPY')) {
      this.decodeLines();
      this.copies.push(this.copied);
      this.copied = [];
    }
    this.statements.push(this.current);
    this.current = [];
  }

  handleEmptyQuery(): void {
    this.statements.push(this.current);
    this.current = [];
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // The message's bytes are a view of the driver's read buffer, which it reuses: copy them.
    const b = msg.chunk;
    if (this.used + b.length > this.pending.length) {
      this.decodeLines();
      if (this.used + b.length > this.pending.length) {
        const grown = Buffer.allocUnsafe(2 * (this.used + b.length));
        this.pending.copy(grown, 0, 0, this.used);
        this.pending = grown;
      }
    }
    b.copy(this.pending, this.used);
    this.used += b.length;
  }

  handleCopyInResponse(connection: Connection): void {
    // Not in the driver's type declarations, but on its connection.
    (connection as unknown as { sendCopyFail(m: string): void }).sendCopyFail('this query sends no COPY data');
  }

  handlePortalSuspended(): void {}

  handleError(err: unknown): void {
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (this.failure !== undefined) this.reject(this.failure);
    else if (this.used > 0) this.reject(new Error('COPY data ended inside a line'));
    else this.resolve({ statements: this.statements, copies: this.copies });
  }

  /** Decodes the complete lines pending and keeps the rest. */
  private decodeLines(): void {
    const end = this.used === 0 ? -1 : this.pending.lastIndexOf(10, this.used - 1);
    if (end < 0) return;
    const text = this.pending.toString('utf8', 0, end + 1);
    this.used -= end + 1;
    if (this.used > 0) this.pending.copy(this.pending, 0, end + 1, end + 1 + this.used);
    if (this.failure !== undefined) return;
    try {
      if (!this.columns) throw new Error('COPY data came before any row description');
      const d = (this.decoder ??= new CopyTextDecoder(this.columns, this.parserOf));
      const out = this.copied;
      // The next backslash at or after the line's start, to tell each line whether it has one.
      let slash = text.indexOf('\\');
      for (let start = 0; start < text.length;) {
        const nl = text.indexOf('\n', start);
        if (slash >= 0 && slash < start) slash = text.indexOf('\\', start);
        out.push(d.decodeAt(text, start, nl, slash >= 0 && slash < nl));
        start = nl + 1;
      }
    } catch (e) {
      // Thrown here it would surface in the driver's socket handler; the query fails at its end instead.
      this.failure = e;
    }
  }
}
