import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import type { Chunk } from './chunks.js';
import { LOG_SPLIT_ID, type CdcSplit } from './cdc-splits.js';
import { ensureSlot, keyColumnOf, slotDroppedError, slotExists, splitTable, withClient } from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

/** What a checkpoint keeps of the enumerator: the table layout, chunks not handed out, and whether the log split was. */
export interface CdcEnumeratorState {
  readonly keyColumn: string;
  readonly chunks: Chunk[];
  readonly pending: string[];
  readonly logAssigned: boolean;
}

/**
 * Sets up the publication and the slot (before any chunk is read, so the slot holds the log from
 * then on), cuts the table into chunks, hands them to readers as they free up, and hands the log
 * split to one reader once every chunk was read. A restored job whose slot is gone stops.
 */
export class CdcEnumerator implements SplitEnumerator<CdcSplit, CdcEnumeratorState | undefined> {
  private state: { keyColumn: string; chunks: Chunk[]; pending: string[]; logAssigned: boolean } | undefined;
  /** Chunk being read, by reader. */
  private readonly reading = new Map<number, string>();
  private readonly waiting: number[] = [];

  constructor(
    private readonly o: ResolvedCdcOptions,
    private readonly ctx: SplitEnumeratorContext<CdcSplit>,
    restored: CdcEnumeratorState | undefined,
  ) {
    if (restored) this.state = { ...restored, pending: restored.pending.slice(), chunks: restored.chunks.slice() };
  }

  start(): void {
    const restored = this.state !== undefined;
    this.ctx.callAsync(
      () =>
        withClient(this.o, async (c) => {
          if (restored) {
            if (!(await slotExists(c, this.o))) throw slotDroppedError(this.o);
            return undefined;
          }
          const keyColumn = await keyColumnOf(c, this.o);
          await ensureSlot(c, this.o);
          const chunks = this.o.startupMode === 'latest-offset' ? [] : await splitTable(c, this.o, keyColumn);
          return { keyColumn, chunks };
        }),
      (layout) => {
        if (layout) this.state = { ...layout, pending: layout.chunks.map((c) => c.id), logAssigned: false };
        this.serve();
      },
    );
  }

  handleSplitRequest(subtask: number): void {
    this.reading.delete(subtask);
    if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
    this.serve();
  }

  addSplitsBack(splits: CdcSplit[]): void {
    const s = this.state!;
    for (const split of splits) {
      if (split.kind === 'log') s.logAssigned = false;
      else if (!s.pending.includes(split.id)) s.pending.unshift(split.id);
    }
    this.serve();
  }

  addReader(): void {}

  snapshotState(): CdcEnumeratorState | undefined {
    return this.state && { ...this.state, pending: this.state.pending.slice() };
  }

  close(): void {}

  private serve(): void {
    const s = this.state;
    if (!s) return;
    while (this.waiting.length > 0 && s.pending.length > 0) {
      const id = s.pending.shift()!;
      const reader = this.waiting.shift()!;
      this.reading.set(reader, id);
      this.ctx.assignSplit(reader, { id, kind: 'chunk', keyColumn: s.keyColumn, chunk: s.chunks.find((c) => c.id === id)! });
    }
    if (this.reading.size > 0 || s.pending.length > 0) return;
    if (this.o.startupMode !== 'snapshot' && !s.logAssigned && this.waiting.length > 0) {
      s.logAssigned = true;
      this.ctx.assignSplit(this.waiting.shift()!, { id: LOG_SPLIT_ID, kind: 'log', keyColumn: s.keyColumn, chunks: s.chunks });
    }
    if (this.o.startupMode === 'snapshot' || s.logAssigned) for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
  }
}
