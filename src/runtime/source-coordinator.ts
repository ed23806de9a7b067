import { serialize } from 'node:v8';
import { ConfigError, WeirError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Source, SourceSplit } from '../core/source.js';
import type { SplitEnumerator, SplitEnumeratorContext } from '../core/split-enumerator.js';
import type { LoadedCheckpoint } from './checkpoint/checkpoint-storage.js';
import type { SubtaskSnapshot } from './subtask-snapshot.js';

/** The uid under which a source's enumerator state is kept in a checkpoint (one entry, subtask 0). */
export function enumeratorUid(sourceUid: string): string {
  return `${sourceUid}@enumerator`;
}

/** Where assignments go: the readers of this attempt, in this thread or in slots. */
export interface SplitChannel {
  assignSplits(node: number, subtask: number, splits: SourceSplit[], positions: Record<string, unknown> | undefined): void;
  noMoreSplits(node: number, subtask: number): void;
}

/** What the coordinator keeps in a checkpoint besides the enumerator's own state. */
interface CoordinatorState {
  readonly enumerator: unknown;
  /** Per reader subtask, the splits it was assigned (its checkpointed positions cover them). */
  readonly assigned: [number, SourceSplit[]][];
  /** Positions of restored splits not yet assigned again, by split id. */
  readonly carried: Record<string, unknown>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Runs one source's split enumerator in the main thread, beside the checkpoint coordinator, for one
 * job attempt. It records which reader got which split, so a checkpoint holds the enumerator's state
 * and the assignments its readers' positions cover; a restore hands those splits back to the new
 * enumerator with their positions, so any parallelism resumes them.
 */
export class SourceCoordinator {
  private enumerator: SplitEnumerator | undefined;
  private readonly assigned = new Map<number, SourceSplit[]>();
  private readonly readers: number[] = [];
  private readonly ended = new Set<number>();
  private carried: Record<string, unknown> = {};
  private closed = false;

  constructor(
    readonly node: number,
    /** The source operator's uid. */
    readonly uid: string,
    private readonly source: Source<unknown>,
    private readonly sourceName: string,
    private readonly parallelism: number,
    private readonly clock: Clock,
    private readonly fail: (e: unknown) => void,
    /** Whether the job takes checkpoints, which the enumerator is told of. */
    private readonly checkpointing = false,
  ) {}

  /** Creates and starts the enumerator, from `restore` when given, and hands back restored assignments. */
  start(channel: SplitChannel, restore: LoadedCheckpoint | undefined): void {
    const restored = this.restoredState(restore);
    this.carried = restored.carried;
    const ctx: SplitEnumeratorContext = {
      sourceName: this.sourceName,
      parallelism: this.parallelism,
      clock: this.clock,
      checkpointing: this.checkpointing,
      registeredReaders: () => this.readers.slice(),
      assignSplit: (subtask, split) => {
        this.checkReader(subtask, 'assignSplit');
        if (this.ended.has(subtask))
          throw new WeirError(`${this.sourceName}: split enumerator assigned '${split.id}' to reader ${subtask} after signalling it no more splits`);
        const list = this.assigned.get(subtask) ?? [];
        list.push(split);
        this.assigned.set(subtask, list);
        const position = split.id in this.carried ? { [split.id]: this.carried[split.id] } : undefined;
        delete this.carried[split.id];
        channel.assignSplits(this.node, subtask, [split], position);
      },
      callAsync: (work, then) => {
        let running: Promise<unknown>;
        try {
          running = work();
        } catch (e) {
          return this.fail(e);
        }
        running.then(
          (result) => {
            if (!this.closed) this.call(() => then(result as never));
          },
          (e) => {
            if (!this.closed) this.fail(e);
          },
        );
      },
      signalNoMoreSplits: (subtask) => {
        this.checkReader(subtask, 'signalNoMoreSplits');
        if (this.ended.has(subtask)) return;
        this.ended.add(subtask);
        channel.noMoreSplits(this.node, subtask);
      },
    };
    this.call(() => {
      const e = this.source.createEnumerator!(ctx, restored.enumerator);
      this.enumerator = e;
      e.start();
      for (const [subtask, splits] of restored.assigned) if (splits.length > 0) e.addSplitsBack(splits, subtask);
    });
  }

  readerRegistered(subtask: number): void {
    if (this.closed || this.readers.includes(subtask)) return;
    this.readers.push(subtask);
    this.call(() => this.enumerator?.addReader(subtask));
  }

  splitRequest(subtask: number): void {
    if (this.closed) return;
    this.call(() => this.enumerator?.handleSplitRequest(subtask));
  }

  /** Tells the enumerator that checkpoint `id` completed. */
  checkpointComplete(id: number): void {
    if (this.closed) return;
    this.call(() => this.enumerator?.notifyCheckpointComplete?.(id));
  }

  /** The enumerator's part of checkpoint `id`, encoded as a subtask state file. */
  snapshot(id: number): Uint8Array {
    const state: CoordinatorState = {
      enumerator: this.enumerator?.snapshotState(id),
      assigned: [...this.assigned].map(([i, splits]) => [i, splits.slice()]),
      carried: { ...this.carried },
    };
    const snap: SubtaskSnapshot = { operatorState: { lists: {}, broadcast: {} }, source: state };
    return serialize(snap);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.call(() => this.enumerator?.close());
  }

  private checkReader(subtask: number, what: string): void {
    if (this.closed) throw new WeirError(`${this.sourceName}: split enumerator called ${what} after it was closed`);
    if (!this.readers.includes(subtask)) {
      throw new WeirError(
        `${this.sourceName}: split enumerator called ${what}(${subtask}) for a reader that has not registered (registered: ${this.readers.join(', ') || 'none'})`,
      );
    }
  }

  /** Enumerator code runs in callbacks of other parts: its failure fails the attempt, and no more. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * The coordinator state of a restored checkpoint; for a checkpoint taken before this source had
   * an enumerator, every reader position is carried, so splits resume wherever they are assigned.
   */
  private restoredState(restore: LoadedCheckpoint | undefined): CoordinatorState {
    const none: CoordinatorState = { enumerator: undefined, assigned: [], carried: {} };
    if (!restore) return none;
    const carried: Record<string, unknown> = {};
    for (const s of restore.states) {
      if (s.operator !== this.uid) continue;
      const pos = (s.state as SubtaskSnapshot).source;
      if (pos === undefined || pos === null) continue;
      if (!isRecord(pos)) {
        throw new ConfigError(
          `${this.sourceName}: the checkpoint's reader positions of subtask ${s.subtask} are not an object keyed by split id, which a source with a split enumerator needs`,
        );
      }
      Object.assign(carried, pos);
    }
    const own = restore.states.find((s) => s.operator === enumeratorUid(this.uid));
    const saved = (own?.state as SubtaskSnapshot | undefined)?.source as CoordinatorState | undefined;
    if (!saved) return { ...none, carried };
    // Splits read to their end stay out: a long-running source need not replay its whole history.
    const finished = this.source.isSplitFinished;
    const open = (s: SourceSplit) => !(finished && s.id in carried && finished(carried[s.id]));
    const assigned = saved.assigned.map(([i, splits]): [number, SourceSplit[]] => [i, splits.filter(open)]);
    const handedBack: Record<string, unknown> = {};
    for (const [, splits] of assigned) for (const s of splits) if (s.id in carried) handedBack[s.id] = carried[s.id];
    return { enumerator: saved.enumerator, assigned, carried: { ...handedBack, ...saved.carried } };
  }
}
