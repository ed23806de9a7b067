import { ManualClock } from '../core/clock.js';
import type { Batch } from '../core/batch.js';
import type { Source, SourceReader, SourceSplit } from '../core/source.js';
import type { SplitEnumerator, SplitEnumeratorContext } from '../core/split-enumerator.js';
import { readerContext } from './reader-context.js';

/** What a checkpoint keeps of an enumerator source: as the runtime's source coordinator keeps it. */
export interface EnumeratorCheckpoint {
  readonly enumerator: unknown;
  /** Per old reader, the splits it was handed. */
  readonly assigned: SourceSplit[][];
  /** Reader positions by split id, merged over all old readers. */
  readonly positions: Record<string, unknown>;
}

type Delivery = SourceSplit | 'no-more';

/**
 * Runs an enumerator source's enumerator and readers in one thread, with the runtime's rules: a
 * reader asks for work when it opens and each time it polls `'later'` (once until it gets a split),
 * assignments reach it between two polls and before the next checkpoint, and a restore hands the
 * old readers' unfinished splits back with their positions. Time is a `ManualClock`, moved on only
 * when nothing else happens, so work the enumerator finds later (scans) is found.
 */
export class EnumeratorRun<T> {
  readonly clock = new ManualClock(0);
  readonly out: T[] = [];
  readonly assigned: SourceSplit[][];
  private readonly readers: SourceReader<T>[];
  private readonly enumerator: SplitEnumerator;
  private readonly inbox: Delivery[][];
  private readonly asking: boolean[];
  private readonly ended: boolean[];
  private readonly work = new Set<Promise<void>>();
  private readonly registered: number[] = [];
  private readonly carried: Record<string, unknown>;
  private closed = false;

  constructor(
    source: Source<T>,
    readonly parallelism: number,
    restored?: EnumeratorCheckpoint,
  ) {
    this.assigned = Array.from({ length: parallelism }, () => []);
    this.inbox = Array.from({ length: parallelism }, () => []);
    this.asking = Array<boolean>(parallelism).fill(false);
    this.ended = Array<boolean>(parallelism).fill(false);
    this.carried = restored?.positions ?? {};
    const ctx: SplitEnumeratorContext = {
      sourceName: source.name ?? 'Source',
      parallelism,
      clock: this.clock,
      registeredReaders: () => this.registered,
      assignSplit: (i, split) => {
        this.assigned[i]!.push(split);
        this.inbox[i]!.push(split);
      },
      signalNoMoreSplits: (i) => void this.inbox[i]!.push('no-more'),
      callAsync: (run, then) => {
        const p = run().then((r) => void (this.closed || then(r)));
        this.work.add(p);
        void p.finally(() => this.work.delete(p));
      },
    };
    this.readers = Array.from({ length: parallelism }, (_, i) => source.createReader([], readerContext({ batchSize: 10, subtaskIndex: i, parallelism }).ctx));
    this.enumerator = source.createEnumerator!(ctx, restored?.enumerator);
    this.enumerator.start();
    const finished = source.isSplitFinished;
    restored?.assigned.forEach((splits, i) => {
      const open = splits.filter((s) => !(finished && s.id in this.carried && finished(this.carried[s.id])));
      if (open.length > 0) this.enumerator.addSplitsBack(open, i);
    });
    for (let i = 0; i < parallelism; i++) {
      this.registered.push(i);
      this.enumerator.addReader(i);
      this.ask(i);
    }
  }

  /** Polls every reader until all ended, nothing happens even after time moved on, or `maxRounds` rounds. */
  async run(maxRounds = Infinity): Promise<void> {
    let quiet = 0;
    for (let round = 0; round < maxRounds && this.ended.includes(false); round++) {
      if (await this.round()) quiet = 0;
      else if (++quiet > 2) return;
      else {
        this.clock.advance(60_000);
        await this.settle();
      }
    }
  }

  /** A checkpoint: the enumerator's state first, then the readers' positions, as the runtime takes them. */
  checkpoint(id: number): EnumeratorCheckpoint {
    for (let i = 0; i < this.parallelism; i++) this.deliver(i);
    const positions = Object.assign({}, ...this.readers.map((r) => r.snapshotState?.() ?? {})) as Record<string, unknown>;
    return JSON.parse(JSON.stringify({ enumerator: this.enumerator.snapshotState(id), assigned: this.assigned, positions })) as EnumeratorCheckpoint;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.enumerator.close();
    for (const r of this.readers) await r.close?.();
  }

  private async round(): Promise<boolean> {
    let progress = false;
    for (let i = 0; i < this.parallelism; i++) {
      if (this.ended[i]) continue;
      progress = this.deliver(i) || progress;
      const r = await this.readers[i]!.poll();
      if (r === 'end') {
        this.ended[i] = true;
        progress = true;
      } else if (r === 'later') progress = this.ask(i) || progress;
      else if ((r as Batch<T>).values.length > 0) {
        this.out.push(...(r as Batch<T>).values);
        progress = true;
      }
    }
    await this.settle();
    return progress;
  }

  private ask(i: number): boolean {
    if (this.asking[i]) return false;
    this.asking[i] = true;
    this.enumerator.handleSplitRequest(i);
    return true;
  }

  private deliver(i: number): boolean {
    const items = this.inbox[i]!.splice(0);
    let splits: SourceSplit[] = [];
    const flush = () => {
      if (splits.length === 0) return;
      const positions: Record<string, unknown> = {};
      for (const s of splits) if (s.id in this.carried) positions[s.id] = this.carried[s.id];
      this.readers[i]!.addSplits!(splits, positions);
      this.asking[i] = false;
      splits = [];
    };
    for (const item of items) {
      if (item !== 'no-more') splits.push(item);
      else {
        flush();
        this.readers[i]!.notifyNoMoreSplits!();
      }
    }
    flush();
    return items.length > 0;
  }

  private async settle(): Promise<void> {
    while (this.work.size > 0) await Promise.all(this.work);
  }
}
