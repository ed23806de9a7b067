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
 * How many interleaved partitions the event indices are cut into (more when the parallelism is
 * higher). A fixed number, not one per reader, so positions kept per split restore at any
 * parallelism.
 */
export const NEXMARK_SPLITS = 128;

/**
 * The Nexmark benchmark's event stream (people, auctions and bids of an online auction site) as a
 * source. Bounded when `events` is given. The event indices are dealt round-robin to 128 splits;
 * each reader generates the indices of its splits in increasing order, so its event times never
 * decrease, parallel readers advance through event time together, and their union is exactly the
 * single-reader stream. Replayable, and rescalable: the position is the next index of each split.
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
      const stride = Math.max(parallelism, NEXMARK_SPLITS);
      return Array.from({ length: stride }, (_, k) => ({ id: `nexmark-${k}/${stride}`, first: k, stride }));
    },
    createReader(splits, ctx, restored) {
      return new NexmarkReader(cfg, splits, ctx, restored as NexmarkPosition | undefined);
    },
  };
}

class NexmarkReader implements SourceReader<NexmarkEvent> {
  private readonly gen: NexmarkGenerator;
  private readonly ids: string[];
  /** First index and next index of each split, in increasing order of first index. */
  private readonly firsts: Float64Array;
  private readonly next: Float64Array;
  /** All splits of one `splits()` call share the stride. */
  private readonly stride: number;
  private startedAt = NaN;

  constructor(
    private readonly cfg: ResolvedNexmarkConfig,
    splits: NexmarkSplit[],
    private readonly ctx: SourceReaderContext,
    restored: NexmarkPosition | undefined,
  ) {
    this.gen = new NexmarkGenerator(cfg);
    const sorted = splits.slice().sort((a, b) => a.first - b.first);
    this.ids = sorted.map((s) => s.id);
    this.firsts = Float64Array.from(sorted, (s) => s.first);
    this.next = Float64Array.from(sorted, (s) => restored?.[s.id] ?? s.first);
    this.stride = sorted[0]?.stride ?? 1;
  }

  /**
   * Generates the reader's next indices in increasing order: round `r` holds index
   * `first + r * stride` of every split, and a split restored further ahead waits for its round.
   */
  poll(): Batch<NexmarkEvent> | 'later' | 'end' {
    const { firsts, next, gen, stride } = this;
    const m = firsts.length;
    const events = this.cfg.events;
    const max = this.ctx.batchSize;
    const limited = this.cfg.rateLimited;
    const due = limited ? this.dueTime() : Infinity;
    const values = new Array<NexmarkEvent>(max);
    const timestamps = new Array<number>(max);
    let n = 0;
    let open = false;
    fill: while (n < max) {
      let lowest = Infinity;
      for (let j = 0; j < m; j++) if (next[j]! < events && next[j]! - firsts[j]! < lowest) lowest = next[j]! - firsts[j]!;
      if (lowest === Infinity) break;
      open = true;
      for (let j = 0; j < m && n < max; j++) {
        const pos = next[j]!;
        if (pos - firsts[j]! !== lowest || pos >= events) continue;
        if (limited && gen.timestamp(pos) > due) break fill;
        const e = gen.event(pos);
        values[n] = e;
        timestamps[n] = e.dateTime;
        next[j] = pos + stride;
        n++;
      }
    }
    if (n > 0) {
      values.length = timestamps.length = n;
      return new Batch(values, timestamps);
    }
    return open ? 'later' : 'end';
  }

  /** Event time that has passed on the clock since the first poll, counted from the reader's first event. */
  private dueTime(): number {
    const now = this.ctx.clock.now();
    if (Number.isNaN(this.startedAt)) {
      let first = Infinity;
      for (let j = 0; j < this.next.length; j++) first = Math.min(first, this.next[j]!);
      this.startedAt = now - (this.gen.timestamp(first) - this.cfg.firstEventTime);
    }
    return this.cfg.firstEventTime + (now - this.startedAt);
  }

  snapshotState(): NexmarkPosition {
    const pos: NexmarkPosition = {};
    this.ids.forEach((id, i) => (pos[id] = this.next[i]!));
    return pos;
  }
}
