import { existsSync, writeFileSync } from 'node:fs';
import {
  Batch,
  type PollResult,
  type Source,
  type SourceReader,
  type SourceReaderContext,
  type SourceSplit,
  type SplitEnumerator,
  type SplitEnumeratorContext,
} from '../../src/index.js';

/** Numbers `from` (inclusive) to `to` (exclusive). */
export interface RangeSplit extends SourceSplit {
  readonly from: number;
  readonly to: number;
}

export interface RangesOptions {
  /** Splits of `size` numbers each, known from the start. */
  readonly initial: number;
  /** Splits found `laterAfterMs` after the initial ones were all assigned. */
  readonly later: number;
  readonly size: number;
  readonly laterAfterMs?: number;
  /** The first reader to read this number creates `failMarker` and throws (once across attempts and threads). */
  readonly failAt?: number;
  readonly failMarker?: string;
}

const split = (i: number, size: number): RangeSplit => ({ id: `r${i}`, from: i * size, to: (i + 1) * size });

interface EnumeratorState {
  readonly pending: RangeSplit[];
  readonly discovered: boolean;
}

class RangesEnumerator implements SplitEnumerator<RangeSplit, EnumeratorState> {
  private pending: RangeSplit[];
  private discovered: boolean;
  private readonly waiting: number[] = [];
  private cancel: (() => void) | undefined;

  constructor(
    private readonly o: RangesOptions,
    private readonly ctx: SplitEnumeratorContext<RangeSplit>,
    restored: EnumeratorState | undefined,
  ) {
    this.pending = restored ? restored.pending.slice() : Array.from({ length: o.initial }, (_, i) => split(i, o.size));
    this.discovered = restored?.discovered ?? false;
  }
  start(): void {}
  addReader(): void {}
  handleSplitRequest(subtask: number): void {
    if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
    this.serve();
  }
  addSplitsBack(splits: RangeSplit[]): void {
    this.pending.unshift(...splits);
    this.serve();
  }
  private serve(): void {
    while (this.waiting.length > 0 && this.pending.length > 0) this.ctx.assignSplit(this.waiting.shift()!, this.pending.shift()!);
    if (this.pending.length > 0) return;
    if (this.discovered) {
      for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
      return;
    }
    if (this.cancel) return;
    this.cancel = this.ctx.clock.schedule(this.ctx.clock.now() + (this.o.laterAfterMs ?? 30), () => {
      this.pending.push(...Array.from({ length: this.o.later }, (_, i) => split(this.o.initial + i, this.o.size)));
      this.discovered = true;
      this.serve();
    });
  }
  snapshotState(): EnumeratorState {
    return { pending: this.pending.slice(), discovered: this.discovered };
  }
  close(): void {
    this.cancel?.();
  }
}

type Position = { next: number } | 'done';

class RangesReader implements SourceReader<number> {
  private readonly queue: RangeSplit[] = [];
  private readonly positions: Record<string, Position> = {};
  private noMore = false;
  constructor(
    private readonly o: RangesOptions,
    private readonly ctx: SourceReaderContext,
  ) {}
  addSplits(splits: SourceSplit[], positions?: Readonly<Record<string, unknown>>): void {
    for (const s of splits as RangeSplit[]) {
      const p = (positions?.[s.id] as Position | undefined) ?? { next: s.from };
      this.positions[s.id] = p;
      if (p !== 'done') this.queue.push(s);
    }
  }
  notifyNoMoreSplits(): void {
    this.noMore = true;
  }
  poll(): PollResult<number> {
    const s = this.queue[0];
    if (!s) return this.noMore ? 'end' : 'later';
    const p = this.positions[s.id] as { next: number };
    const end = Math.min(s.to, p.next + this.ctx.batchSize);
    const values: number[] = [];
    for (let v = p.next; v < end; v++) {
      if (v === this.o.failAt && this.o.failMarker && !existsSync(this.o.failMarker)) {
        writeFileSync(this.o.failMarker, 'failed once');
        throw new Error(`injected reader failure at ${v}`);
      }
      values.push(v);
    }
    if (end === s.to) {
      this.positions[s.id] = 'done';
      this.queue.shift();
    } else this.positions[s.id] = { next: end };
    return Batch.of(values);
  }
  snapshotState(): Record<string, Position> {
    return { ...this.positions };
  }
}

/**
 * A source whose enumerator knows `initial` ranges at first and finds `later` more once those are
 * all handed out: the numbers 0 .. (initial + later) * size - 1, each once.
 */
export function rangesSource(o: RangesOptions): Source<number, RangeSplit> {
  return {
    name: 'ranges',
    bounded: true,
    replayable: true,
    splits: () => {
      throw new Error('ranges has an enumerator: splits() must not be called');
    },
    createEnumerator: (ctx, restored) => new RangesEnumerator(o, ctx, restored as EnumeratorState | undefined),
    createReader: (_splits, ctx) => new RangesReader(o, ctx),
    isSplitFinished: (position) => position === 'done',
  };
}
