import type { Connection, Submittable } from 'pg';
import type { CopyColumn, TextParser } from './copy-text-decoder.js';
import { CopyTextDecoder } from './copy-text-decoder.js';
import type { Row } from './row-changes.js';

/** What a simple-query script returns: each statement's rows (text fields), and the rows its COPY sent. */
export interface CopyQueryResult {
  /** Per statement in order, its rows as text fields (null for NULL). */
  readonly statements: (string | null)[][][];
  readonly copied: Row[];
}

/** Lines decoded at a time: errors are caught per group, not per line. */
const GROUP = 512;

/**
 * A script of statements sent in one round trip (the simple query protocol) whose one
 * `COPY (...) TO STDOUT` comes back as rows, decoded as the data arrives while the server is still
 * writing the rest. The columns of the copied rows are those of the last statement before the COPY
 * that returned a row description (a `SELECT ... LIMIT 0` of the same query gives them, in the same
 * transaction). Passed to `client.query`, which calls the `handle*` methods as the server answers.
 *
 * @example
 * const q = new CopyQuery('BEGIN; SELECT * FROM t LIMIT 0; COPY (SELECT * FROM t) TO STDOUT; COMMIT', (oid) => pg.types.getTypeParser(oid));
 * client.query(q);
 * const { copied } = await q.result;
 */
export class CopyQuery implements Submittable {
  readonly result: Promise<CopyQueryResult>;
  private resolve!: (r: CopyQueryResult) => void;
  private reject!: (e: unknown) => void;
  private readonly statements: (string | null)[][][] = [];
  private current: (string | null)[][] = [];
  private columns: CopyColumn[] | undefined;
  private decoder: CopyTextDecoder | undefined;
  private readonly copied: Row[] = [];
  private lines: string[] = [];
  /** The start of a line whose end is in the next message (the server sends whole lines, so never in practice). */
  private partial: Buffer | undefined;
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

  handleCommandComplete(): void {
    this.decodeLines();
    this.statements.push(this.current);
    this.current = [];
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    let b = msg.chunk;
    if (this.partial) {
      b = Buffer.concat([this.partial, b]);
      this.partial = undefined;
    }
    let start = 0;
    let nl = b.indexOf(10);
    while (nl >= 0) {
      this.lines.push(b.toString('utf8', start, nl));
      start = nl + 1;
      nl = start < b.length ? b.indexOf(10, start) : -1;
    }
    // The message's bytes are a view of the driver's read buffer, which it reuses: copy the rest.
    if (start < b.length) this.partial = Buffer.from(b.subarray(start));
    if (this.lines.length >= GROUP) this.decodeLines();
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
    else if (this.partial) this.reject(new Error('COPY data ended inside a line'));
    else this.resolve({ statements: this.statements, copied: this.copied });
  }

  private decodeLines(): void {
    const lines = this.lines;
    if (lines.length === 0 || this.failure !== undefined) return;
    this.lines = [];
    try {
      if (!this.columns) throw new Error('COPY data came before any row description');
      const d = (this.decoder ??= new CopyTextDecoder(this.columns, this.parserOf));
      const out = this.copied;
      for (let i = 0; i < lines.length; i++) out.push(d.decode(lines[i]!));
    } catch (e) {
      // Thrown here it would surface in the driver's socket handler; the query fails at its end instead.
      this.failure = e;
    }
  }
}
