import { chunkIndexOf, type Chunk } from './chunks.js';

/**
 * Decides, in log order, which changes the log split emits. Each snapshot chunk wrote a watermark
 * message into the log after its rows were reconciled; a change before its chunk's watermark is
 * already in the rows the chunk emitted, and one after it is new. Once every watermark was seen,
 * everything passes.
 */
export class LogFilter {
  private readonly seen: Set<string>;
  private all: boolean;

  constructor(
    private readonly chunks: readonly Chunk[],
    seen: readonly string[] | 'all',
  ) {
    this.all = seen === 'all' || chunks.length === 0;
    this.seen = new Set(seen === 'all' ? [] : seen);
    this.checkAll();
  }

  /** The watermark of chunk `id` went by. */
  see(id: string): void {
    if (this.all) return;
    this.seen.add(id);
    this.checkAll();
  }

  passes(key: bigint): boolean {
    return this.all || this.seen.has(this.chunks[chunkIndexOf(this.chunks, key)]!.id);
  }

  /** What a checkpoint keeps. */
  state(): string[] | 'all' {
    return this.all ? 'all' : [...this.seen];
  }

  private checkAll(): void {
    if (!this.all && this.chunks.every((c) => this.seen.has(c.id))) this.all = true;
  }
}
