import { chunkIndexOf } from './chunks.js';
import type { TableChunk } from './cdc-splits.js';

/**
 * Decides, in log order, which changes the log split emits. Each snapshot chunk wrote a watermark
 * message into the log after its rows were reconciled; a change before its chunk's watermark is
 * already in the rows the chunk emitted, and one after it is new. Once every watermark was seen,
 * everything passes, until chunks of a table found later are added.
 */
export class LogFilter {
  private readonly seen: Set<string>;
  private all: boolean;
  /** Each table's chunks, in key order. */
  private readonly chunksOf = new Map<string, TableChunk[]>();

  private readonly chunks: TableChunk[] = [];

  /**
   * `seen` is a checkpoint's state; `covered`, the tables it speaks for (those the log split held
   * then; undefined: all): `'all'` says nothing of a table added since.
   */
  constructor(chunks: readonly TableChunk[], seen: readonly string[] | 'all', covered?: ReadonlySet<string>) {
    this.all = false;
    this.seen = new Set(seen !== 'all' ? seen : chunks.filter((c) => covered === undefined || covered.has(c.table)).map((c) => c.id));
    this.add(chunks);
  }

  /** Chunks of tables found later, whose watermarks are still to come. */
  add(chunks: readonly TableChunk[]): void {
    for (const c of chunks) {
      this.chunks.push(c);
      let list = this.chunksOf.get(c.table);
      if (!list) this.chunksOf.set(c.table, (list = []));
      list.push(c);
    }
    this.all = false;
    this.checkAll();
  }

  /** Whether chunk `id` is one of this filter's. */
  knows(id: string): boolean {
    return this.seen.has(id) || this.chunks.some((c) => c.id === id);
  }

  /** The watermark of chunk `id` went by. */
  see(id: string): void {
    if (this.all) return;
    this.seen.add(id);
    this.checkAll();
  }

  /** Whether every change passes (every watermark was seen): the common case, which needs no chunk key. */
  passesAll(): boolean {
    return this.all;
  }

  /** Whether a change of `table` with chunk key `chunkKey` (undefined: the table is one chunk) is emitted. */
  passes(table: string, chunkKey: bigint | undefined): boolean {
    if (this.all) return true;
    const list = this.chunksOf.get(table);
    if (!list) return true;
    return this.seen.has((chunkKey === undefined ? list[0] : list[chunkIndexOf(list, chunkKey)])!.id);
  }

  /** What a checkpoint keeps. */
  state(): string[] | 'all' {
    return this.all ? 'all' : [...this.seen];
  }

  private checkAll(): void {
    if (!this.all && this.chunks.every((c) => this.seen.has(c.id))) this.all = true;
  }
}
