import { open, type FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
const NEWLINE = 10;
const CR = 13;

/**
 * Reads a file line by line from a byte offset, one 64 KiB read at a time, so a file of any size
 * needs only one chunk (or one line, if longer) in memory. `nextLine` is synchronous and returns
 * `undefined` when the buffered data holds no complete line: the caller then awaits `fill()`.
 * `offset` is the byte offset just after the last returned line, the position to resume from.
 *
 * @example
 * const lr = await LineReader.open('/data/a.txt', 0);
 * for (;;) { const l = lr.nextLine(); if (l !== undefined) use(l); else if (lr.eof) break; else await lr.fill(); }
 */
export class LineReader {
  private buf = Buffer.allocUnsafe(2 * CHUNK);
  private pos = 0;
  private end = 0;
  private filePos: number;
  /** No more bytes to read and every line was returned. */
  eof = false;
  private atEnd = false;

  private constructor(
    private readonly fh: FileHandle,
    offset: number,
  ) {
    this.filePos = offset;
  }

  static async open(path: string, offset: number): Promise<LineReader> {
    return new LineReader(await open(path, 'r'), offset);
  }

  get offset(): number {
    return this.filePos - (this.end - this.pos);
  }

  nextLine(): string | undefined {
    const start = this.pos;
    let nl = this.buf.indexOf(NEWLINE, start);
    if (nl < 0 || nl >= this.end) {
      if (!this.atEnd) return undefined;
      // The last line of a file may lack its newline.
      if (start >= this.end) {
        this.eof = true;
        return undefined;
      }
      nl = this.end;
    }
    this.pos = nl < this.end ? nl + 1 : nl;
    const stop = nl > start && this.buf[nl - 1] === CR ? nl - 1 : nl;
    return this.buf.toString('utf8', start, stop);
  }

  /** Reads the next chunk behind what is buffered. */
  async fill(): Promise<void> {
    const rest = this.end - this.pos;
    if (rest > this.buf.length - CHUNK) {
      // Only a line longer than the buffer grows it.
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, rest + CHUNK));
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else if (rest > 0) this.buf.copy(this.buf, 0, this.pos, this.end);
    this.pos = 0;
    this.end = rest;
    const { bytesRead } = await this.fh.read(this.buf, this.end, this.buf.length - this.end, this.filePos);
    this.filePos += bytesRead;
    this.end += bytesRead;
    if (bytesRead === 0) this.atEnd = true;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
