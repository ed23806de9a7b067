import { Batch } from '../../core/batch.js';
import type { Source, SourceReader, SourceReaderContext, SourceSplit } from '../../core/source.js';
import { resolveNexmarkConfig, type NexmarkOptions, type ResolvedNexmarkConfig } from './nexmark-config.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import type { NexmarkEvent } from './nexmark-model.js';

/** Events `first, first + stride, first + 2 * stride, ...`: one of `stride` interleaved partitions. */
export interface NexmarkSplit extends SourceSplit {
  readonly first: number;
  readonly stride: number;
}

/** A reader's position: the next event index of each of its splits, by split id. */
export type NexmarkPosition = Record<string, number>;

/**
 * The Nexmark benchmark's event stream (people, auctions and bids of an online auction site) as a
 * source. Bounded when `events` is given. Parallel readers read interleaved partitions of the event
 * indices, so their event times advance together and their union is exactly the single-reader
 * stream. Replayable: the position is the next event index.
 *
 * @example
 * env
 *   .fromSource(nexmark({ events: 10_000_000 }), WatermarkStrategy.boundedOutOfOrderness('5s', (e) => e.dateTime))
 *   .filter((e) => e.type === 'bid')
 *   .keyBy((b) => b.auction)
 */
export function nexmark(options: NexmarkOptions = {}): Source<NexmarkEvent, NexmarkSplit> {
  const cfg = resolveNexmarkConfig(options);
  return {
    name: 'Nexmark Source',
    bounded: cfg.events !== Infinity,
    replayable: true,
    splits(parallelism) {
      return Array.from({ length: parallelism }, (_, i) => ({ id: `nexmark-${i}-of-${parallelism}`, first: i, stride: parallelism }));
    },
    createReader(splits, ctx, restored) {
      return new NexmarkReader(cfg, splits, ctx, restored as NexmarkPosition | undefined);
    },
  };
}

class NexmarkReader implements SourceReader<NexmarkEvent> {
  private readonly gen: NexmarkGenerator;
  private readonly next: number[];
  private startedAt = NaN;

  constructor(
    private readonly cfg: ResolvedNexmarkConfig,
    private readonly splits: NexmarkSplit[],
    private readonly ctx: SourceReaderContext,
    restored: NexmarkPosition | undefined,
  ) {
    this.gen = new NexmarkGenerator(cfg);
    this.next = splits.map((s) => restored?.[s.id] ?? s.first);
  }

  poll(): Batch<NexmarkEvent> | 'later' | 'end' {
    // The split furthest behind goes next: a reader with several keeps their event times together,
    // and the order depends on the positions alone, so a restored reader continues identically.
    let s = -1;
    for (let i = 0; i < this.next.length; i++) if (this.next[i]! < this.cfg.events && (s < 0 || this.next[i]! < this.next[s]!)) s = i;
    if (s < 0) return 'end';
    const split = this.splits[s]!;
    const pos = this.next[s]!;
    let count = Math.min(this.ctx.batchSize, Math.ceil((this.cfg.events - pos) / split.stride));
    if (this.cfg.rateLimited) count = this.dueCount(pos, split.stride, count);
    if (count === 0) return 'later';
    const values = new Array<NexmarkEvent>(count);
    const timestamps = new Array<number>(count);
    this.gen.fill(values, timestamps, pos, split.stride, count);
    this.next[s] = pos + count * split.stride;
    return new Batch(values, timestamps);
  }

  /** How many of the next `max` events are due: their event time has passed on the clock since the first poll. */
  private dueCount(pos: number, stride: number, max: number): number {
    const now = this.ctx.clock.now();
    if (Number.isNaN(this.startedAt)) this.startedAt = now - (this.gen.timestamp(pos) - this.cfg.firstEventTime);
    const dueTime = this.cfg.firstEventTime + (now - this.startedAt);
    let count = 0;
    while (count < max && this.gen.timestamp(pos + count * stride) <= dueTime) count++;
    return count;
  }

  snapshotState(): NexmarkPosition {
    const pos: NexmarkPosition = {};
    this.splits.forEach((s, i) => (pos[s.id] = this.next[i]!));
    return pos;
  }
}
