import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import { capturedTables, tableIdOf, type CapturedTable } from './captured-tables.js';
import { LOG_SPLIT_ID, type CdcSplit, type TableChunk } from './cdc-splits.js';
import { ensureSlot, slotDroppedError, slotExists, splitTable, withClient } from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

/**
 * Chunks handed to a reader per request. A reader reads the chunks it holds in one round trip (see
 * `ChunkReads`), so the server streams them back to back and sits idle only between requests, and
 * it holds their COPY text (not row objects) until it emitted them; under concurrent writes one
 * peek at the log serves them all. Eight against four halved the time readers waited for a request's
 * first chunk (docs/performance.md).
 */
export const CHUNKS_PER_REQUEST = 8;

/** What a checkpoint keeps of the enumerator: the table layout, chunks not handed out, and whether the log split was. */
export interface CdcEnumeratorState {
  /** The captured tables, as they were when the job first started. */
  readonly tables: CapturedTable[];
  readonly chunks: TableChunk[];
  readonly pending: string[];
  readonly logAssigned: boolean;
}

/**
 * Finds the tables to capture, sets up the publication and the slot (before any chunk is read, so
 * the slot holds the log from then on), cuts each table into chunks, hands them to readers as they free up, and hands the log
 * split to one reader once every chunk was read. A restored job whose slot is gone stops.
 */
export class CdcEnumerator implements SplitEnumerator<CdcSplit, CdcEnumeratorState | undefined> {
  private state: { tables: CapturedTable[]; chunks: TableChunk[]; pending: string[]; logAssigned: boolean } | undefined;
  /** The last chunk handed to a reader that has not asked for more since. */
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
          const tables = await capturedTables(c, this.o);
          await ensureSlot(c, this.o, tables);
          const chunks: TableChunk[] = [];
          if (this.o.startupMode !== 'latest-offset') for (const t of tables) chunks.push(...(await splitTable(c, this.o, t)));
          return { tables, chunks };
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
      const reader = this.waiting.shift()!;
      // A few chunks at a time, fewer near the end so that every reader keeps a share.
      const n = Math.min(CHUNKS_PER_REQUEST, Math.ceil(s.pending.length / this.ctx.parallelism));
      for (const id of s.pending.splice(0, n)) {
        this.reading.set(reader, id);
        const chunk = s.chunks.find((c) => c.id === id)!;
        this.ctx.assignSplit(reader, { id, kind: 'chunk', table: s.tables.find((t) => tableIdOf(t) === chunk.table)!, chunk });
      }
    }
    if (this.reading.size > 0 || s.pending.length > 0) return;
    if (this.o.startupMode !== 'snapshot' && !s.logAssigned && this.waiting.length > 0) {
      s.logAssigned = true;
      this.ctx.assignSplit(this.waiting.shift()!, { id: LOG_SPLIT_ID, kind: 'log', tables: s.tables, chunks: s.chunks });
    }
    if (this.o.startupMode === 'snapshot' || s.logAssigned) for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
  }
}
