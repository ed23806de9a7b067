import type { Connection, Submittable } from 'pg';
import type { CopyColumn, TextParser } from './copy-text-decoder.js';
import { CopyTextDecoder } from './copy-text-decoder.js';
import type { Row } from './row-changes.js';

/** What a simple-query script returns: each statement's rows (text fields), and the rows each COPY sent. */
export interface CopyQueryResult {
  /** Per statement in order, its rows as text fields (null for NULL). */
  readonly statements: (string | null)[][][];
  /** Per COPY statement in order, its rows, held as text until asked for. */
  readonly copies: CopiedRows[];
}

/**
 * Bytes of COPY text per held block, and so per string a block is decoded from. The server sends a
 * message per line; copying them into blocks and making one string of many lines costs a fraction
 * of making a string per line. Small, since a long text value of a row is a slice of its block's
 * string and keeps it alive.
 */
const GROUP_BYTES = 16 * 1024;

/**
 * The rows one COPY sent, kept as the text the server wrote (blocks of whole lines, outside the
 * JavaScript heap) until {@link rows} decodes them. Rows held as objects from the COPY until a
 * chunk's high mark is known outlived young-generation collections and were promoted: the garbage
 * collector then cost more than decoding. Decoded as they are emitted, they die young.
 */
export class CopiedRows {
  constructor(
    private readonly blocks: readonly Buffer[],
    private readonly columns: readonly CopyColumn[],
    private readonly parserOf: (oid: number) => TextParser,
  ) {}

  /** Bytes of COPY text held. */
  get bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.length;
    return n;
  }

  /** Decodes the rows (again on each call: the caller keeps them). Throws on a line that does not fit the columns. */
  rows(): Row[] {
    const out: Row[] = [];
    if (this.blocks.length === 0) return out;
    const d = new CopyTextDecoder(this.columns, this.parserOf);
    for (const block of this.blocks) {
      const text = block.toString('utf8');
      // The next backslash at or after the line's start, to tell each line whether it has one.
      let slash = text.indexOf('\\');
      for (let start = 0; start < text.length;) {
        const nl = text.indexOf('\n', start);
        if (slash >= 0 && slash < start) slash = text.indexOf('\\', start);
        out.push(d.decodeAt(text, start, nl, slash >= 0 && slash < nl));
        start = nl + 1;
      }
    }
    return out;
  }
}

/**
 * A script of statements sent in one round trip (the simple query protocol) whose
 * `COPY (...) TO STDOUT` statements come back as {@link CopiedRows}, copied as the data arrives while
 * the server is still writing the rest. The columns of the copied rows are those of the last
 * statement before the COPY that returned a row description (a `SELECT ... LIMIT 0` of the same
 * query gives them, in the same transaction). Passed to `client.query`, which calls the `handle*`
 * methods as the server answers; {@link whenStatements} lets the caller use the first statements'
 * answers while the server still runs the rest.
 *
 * @example
 * const q = new CopyQuery('BEGIN; SELECT * FROM t LIMIT 0; COPY (SELECT * FROM t) TO STDOUT; COMMIT', (oid) => pg.types.getTypeParser(oid));
 * client.query(q);
 * const rows = (await q.result).copies[0]!.rows();
 */
export class CopyQuery implements Submittable {
  readonly result: Promise<CopyQueryResult>;
  private resolve!: (r: CopyQueryResult) => void;
  private reject!: (e: unknown) => void;
  /** The statements answered so far, in order; see {@link whenStatements}. */
  readonly statements: (string | null)[][][] = [];
  /** The COPYs answered so far, in order. */
  readonly copies: CopiedRows[] = [];
  private current: (string | null)[][] = [];
  private columns: CopyColumn[] | undefined;
  /** The blocks of the COPY under way. */
  private blocks: Buffer[] = [];
  /** COPY data not in a block yet: complete lines, and maybe the start of one that the next message ends. */
  private pending = Buffer.allocUnsafe(GROUP_BYTES);
  private used = 0;
  private failure: unknown;
  private waiters: { n: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** Set once the script failed: waiters for statements not answered by then fail with it. */
  private failedWith: { e: unknown } | undefined;

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

  /**
   * Settles once the first `n` statements were answered (their rows in {@link statements}, their
   * COPYs in {@link copies}); rejects if the script fails first.
   */
  whenStatements(n: number): Promise<void> {
    if (this.statements.length >= n) return Promise.resolve();
    if (this.failedWith) return Promise.reject(this.failedWith.e);
    return new Promise((resolve, reject) => {
      this.waiters.push({ n, resolve, reject });
    });
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleRowDescription(msg: { fields: { name: string; dataTypeID: number }[] }): void {
    this.columns = msg.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID }));
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.current.push(msg.fields);
  }

  handleCommandComplete(msg: { text: string }): void {
    // `COPY n`: the command tag tells a COPY that sent no rows from a statement that is none.
    if (msg.text.startsWith('COPY')) {
      if (this.used > 0 && this.pending[this.used - 1] !== 10) this.failure ??= new Error('COPY data ended inside a line');
      this.cutBlock(this.used);
      if (this.blocks.length > 0 && !this.columns) this.failure ??= new Error('COPY data came before any row description');
      this.copies.push(new CopiedRows(this.blocks, this.columns ?? [], this.parserOf));
      this.blocks = [];
    }
    this.endStatement();
  }

  handleEmptyQuery(): void {
    this.endStatement();
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // The message's bytes are a view of the driver's read buffer, which it reuses: copy them.
    const b = msg.chunk;
    if (this.used + b.length > this.pending.length) {
      const end = this.used === 0 ? -1 : this.pending.lastIndexOf(10, this.used - 1);
      if (end >= 0) this.cutBlock(end + 1);
      if (this.used + b.length > this.pending.length) {
        // A line longer than a block: the pending buffer grows to hold it.
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
    this.fail(err);
  }

  handleReadyForQuery(): void {
    if (this.failure !== undefined) this.fail(this.failure);
    else {
      this.resolve({ statements: this.statements, copies: this.copies });
      // A script cut short without an error (it cannot be, but a waiter must not wait forever).
      this.fail(new Error(`the script answered only ${this.statements.length} statements`));
    }
  }

  private fail(e: unknown): void {
    this.failedWith ??= { e };
    this.reject(e);
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  private endStatement(): void {
    this.statements.push(this.current);
    this.current = [];
    if (this.waiters.length === 0) return;
    // A COPY data error fails the query at its end; the statements after it are not the caller's to use.
    if (this.failure !== undefined) return;
    const n = this.statements.length;
    this.waiters = this.waiters.filter((w) => (w.n <= n ? (w.resolve(), false) : true));
  }

  /** Moves the first `end` pending bytes (whole lines) into a block of their own, keeping the rest pending. */
  private cutBlock(end: number): void {
    if (end === 0) return;
    const rest = this.used - end;
    this.blocks.push(this.pending.subarray(0, end));
    const next = Buffer.allocUnsafe(Math.max(GROUP_BYTES, rest));
    this.pending.copy(next, 0, end, this.used);
    this.pending = next;
    this.used = rest;
  }
}
