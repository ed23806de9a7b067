import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import { binlogPurgedError, type BinlogPosition } from './binlog-position.js';
import { capturedTables, tableIdOf, type CapturedTable } from './captured-tables.js';
import { LOG_SPLIT_ID, type MysqlCdcSplit, type TableChunk } from './cdc-splits.js';
import { binlogAvailable, binlogEnd, checkServer, splitTable, withConnection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';

/** What a checkpoint keeps of the enumerator. */
export interface MysqlCdcEnumeratorState {
  /** The captured tables, as they were when the job first started. */
  readonly tables: CapturedTable[];
  /** Where the log split starts: the binlog's end before the table was split. */
  readonly start: BinlogPosition;
  readonly chunks: TableChunk[];
  /** The low mark of each chunk handed out, by chunk id (the latest hand-out counts). */
  readonly lows: Record<string, BinlogPosition>;
  readonly pending: string[];
  readonly logAssigned: boolean;
}

type State = { -readonly [K in keyof MysqlCdcEnumeratorState]: MysqlCdcEnumeratorState[K] };

/**
 * Finds the tables to capture, notes where the binlog ends, cuts each table into chunks, and hands them to readers as they free
 * up, each with the binlog's end at that moment as its low mark; once every chunk was read, hands
 * the log split to one reader. A restored job whose snapshot still needs a purged binlog stops.
 */
export class MysqlCdcEnumerator implements SplitEnumerator<MysqlCdcSplit, MysqlCdcEnumeratorState | undefined> {
  private state: State | undefined;
  private readonly reading = new Map<number, string>();
  private readonly waiting: number[] = [];
  private busy = false;

  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    private readonly ctx: SplitEnumeratorContext<MysqlCdcSplit>,
    restored: MysqlCdcEnumeratorState | undefined,
  ) {
    if (restored) this.state = { ...restored, pending: restored.pending.slice(), chunks: restored.chunks.slice(), lows: { ...restored.lows } };
  }

  start(): void {
    const restored = this.state;
    this.busy = true;
    this.ctx.callAsync(
      () =>
        withConnection(this.o, async (c) => {
          await checkServer(c);
          if (restored) {
            const snapshotLeft = restored.pending.length > 0 || !restored.logAssigned;
            if (snapshotLeft && !(await binlogAvailable(c, restored.start))) throw binlogPurgedError(`${this.o.database}.${this.o.table}`, restored.start);
            return undefined;
          }
          const tables = await capturedTables(c, this.o);
          const start = await binlogEnd(c);
          const chunks: TableChunk[] = [];
          if (this.o.startupMode !== 'latest-offset') for (const t of tables) chunks.push(...(await splitTable(c, this.o, t)));
          return { tables, start, chunks };
        }),
      (layout) => {
        if (layout) this.state = { ...layout, lows: {}, pending: layout.chunks.map((c) => c.id), logAssigned: false };
        this.busy = false;
        this.serve();
      },
    );
  }

  handleSplitRequest(subtask: number): void {
    this.reading.delete(subtask);
    if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
    this.serve();
  }

  addSplitsBack(splits: MysqlCdcSplit[]): void {
    const s = this.state!;
    for (const split of splits) {
      if (split.kind === 'log') s.logAssigned = false;
      else if (!s.pending.includes(split.id)) s.pending.unshift(split.id);
    }
    this.serve();
  }

  addReader(): void {}

  snapshotState(): MysqlCdcEnumeratorState | undefined {
    return this.state && { ...this.state, pending: this.state.pending.slice(), lows: { ...this.state.lows } };
  }

  close(): void {}

  private serve(): void {
    const s = this.state;
    if (!s || this.busy) return;
    if (this.waiting.length > 0 && s.pending.length > 0) {
      // The low mark must be taken before the reader's SELECT: noting it here, before the hand-out, is.
      this.busy = true;
      this.ctx.callAsync(
        () => withConnection(this.o, binlogEnd),
        (low) => {
          this.busy = false;
          while (this.waiting.length > 0 && s.pending.length > 0) {
            const id = s.pending.shift()!;
            const reader = this.waiting.shift()!;
            this.reading.set(reader, id);
            s.lows[id] = low;
            const chunk = s.chunks.find((c) => c.id === id)!;
            const table = s.tables.find((t) => tableIdOf(t) === chunk.table)!;
            this.ctx.assignSplit(reader, { id, kind: 'chunk', table, chunk, low, start: s.start });
          }
          this.serve();
        },
      );
      return;
    }
    if (this.reading.size > 0 || s.pending.length > 0) return;
    if (this.o.startupMode !== 'snapshot' && !s.logAssigned && this.waiting.length > 0) {
      s.logAssigned = true;
      const chunks = s.chunks.map((c) => ({ ...c, low: s.lows[c.id]! }));
      this.ctx.assignSplit(this.waiting.shift()!, { id: LOG_SPLIT_ID, kind: 'log', tables: s.tables, chunks, start: s.start });
    }
    if (this.o.startupMode === 'snapshot' || s.logAssigned) for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
  }
}
