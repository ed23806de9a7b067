import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import { LogSplitGate } from '../postgres-cdc/log-split-gate.js';
import { snapshotOrder } from '../postgres-cdc/chunks.js';
import { binlogPurgedError, isGtidStart, type BinlogPosition } from './binlog-position.js';
import { capturedTables, describeTable, matchingTables, tableIdOf, type CapturedTable } from './captured-tables.js';
import { LOG_SPLIT_ID, type ChunkLow, type MysqlCdcSplit, type TableChunk } from './cdc-splits.js';
import { binlogAvailable, binlogEnd, checkServer, connect, splitTable, withConnection, type Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import { startPosition } from './startup-position.js';

/**
 * Chunks handed to a reader per request, all with one low mark. A reader reads them in groups
 * (`CHUNKS_PER_READ`), the next group while it emits one, so the server is not idle between groups,
 * and holds two groups' rows at most. Between requests the server idles while the reader asks and
 * the enumerator notes a low mark: more chunks per request make that rarer (a 1M-row snapshot on a
 * quiet machine: 8 gave 0.42 of `mariadb-dump`'s rows/s, 32 gave 0.48-0.49, 128 0.52), but a restore
 * reads again those not yet emitted, and near the end of the snapshot fewer are handed out so every
 * reader keeps a share. The reader holds only their bounds, not their rows.
 */
export const CHUNKS_PER_REQUEST = 32;

/** How often the enumerator looks for new tables (`scan.newly-added-table.enabled`). */
export const DISCOVERY_INTERVAL_MS = 1000;

/** What a checkpoint keeps of the enumerator. */
export interface MysqlCdcEnumeratorState {
  /** The captured tables: those of the job's first start, then those found later. */
  readonly tables: CapturedTable[];
  /** Where the log split starts: the binlog's end before the table was split, or the startup mode's point ({@link startPosition}). */
  readonly start: BinlogPosition;
  readonly chunks: TableChunk[];
  /** The low mark of each chunk handed out, by chunk id (the latest hand-out counts). */
  readonly lows: Record<string, BinlogPosition>;
  readonly pending: string[];
  readonly logAssigned: boolean;
  /**
   * The binlog's end before the latest listing of the tables: a matching table that listing did
   * not hold was created after it, so its changes are all in the binlog from there.
   */
  readonly checked?: BinlogPosition;
  /** For tables found after the start, by id: where their chunks' reads start reading the binlog. */
  readonly since?: Record<string, BinlogPosition>;
}

type State = { -readonly [K in keyof MysqlCdcEnumeratorState]-?: MysqlCdcEnumeratorState[K] };

/**
 * Finds the tables to capture, notes where the log split starts (the binlog's end, or the point a
 * startup mode without a snapshot names), cuts each table into chunks (modes with a snapshot), and hands them to readers as they free
 * up, each with the binlog's end at that moment as its low mark; once every chunk was read, hands
 * the log split to one reader. A restored job whose snapshot still needs a purged binlog stops.
 *
 * With `scan.newly-added-table.enabled` it lists the matching tables again every
 * {@link DISCOVERY_INTERVAL_MS} (and at once on a restore): a new one is split and its chunks handed
 * out like the first ones; once they are read, the table and its chunks' low marks go to the reader
 * holding the log split (a `tables` split), which waits for them at the table's first change.
 * Readers are then never told there are no more splits, since a table may come at any time.
 */
export class MysqlCdcEnumerator implements SplitEnumerator<MysqlCdcSplit, MysqlCdcEnumeratorState | undefined> {
  private state: State | undefined;
  private readonly reading = new Map<number, string>();
  private readonly waiting: number[] = [];
  private busy = false;
  /** The reader holding the log split in this attempt, and the tables it was given. */
  private logHolder: number | undefined;
  private readonly logKnows = new Set<string>();
  private cancelDiscovery: (() => void) | undefined;
  private closed = false;
  /** The connection that notes low marks while chunks are handed out, closed when none is left to hand out. */
  private marks: Promise<Connection> | undefined;
  /** Holds the log split back until the chunks' rows are committed. */
  private readonly gate = new LogSplitGate();

  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    private readonly ctx: SplitEnumeratorContext<MysqlCdcSplit>,
    restored: MysqlCdcEnumeratorState | undefined,
  ) {
    if (restored)
      this.state = {
        ...restored,
        pending: restored.pending.slice(),
        chunks: restored.chunks.slice(),
        tables: restored.tables.slice(),
        lows: { ...restored.lows },
        checked: restored.checked ?? restored.start,
        since: { ...restored.since },
      };
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
            // A table created while the job was down is read against the binlog from `checked` on.
            const needed = snapshotLeft ? restored.start : this.o.newlyAddedTables ? restored.checked : undefined;
            if (needed && !isGtidStart(needed) && !(await binlogAvailable(c, needed))) throw binlogPurgedError(`${this.o.database}.${this.o.table}`, needed);
            return undefined;
          }
          const start = await startPosition(c, this.o);
          const tables = await capturedTables(c, this.o);
          const chunks: TableChunk[] = [];
          if (this.o.startupMode === 'initial' || this.o.startupMode === 'snapshot') for (const t of tables) chunks.push(...(await splitTable(c, this.o, t)));
          return { tables, start, chunks };
        }),
      (layout) => {
        if (layout) this.state = { ...layout, lows: {}, pending: snapshotOrder(layout.chunks), logAssigned: false, checked: layout.start, since: {} };
        this.busy = false;
        if (this.o.newlyAddedTables) {
          // A restored job looks at once: tables may have come while it was down.
          if (restored) this.discover();
          else this.scheduleDiscovery();
        }
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
      if (split.kind === 'log') {
        s.logAssigned = false;
        this.logHolder = undefined;
      } else if (split.kind === 'chunk' && !s.pending.includes(split.id)) s.pending.unshift(split.id);
    }
    this.serve();
  }

  addReader(): void {}

  snapshotState(checkpointId?: number): MysqlCdcEnumeratorState | undefined {
    this.gate.triggered(checkpointId);
    const s = this.state;
    return s && { ...s, tables: s.tables.slice(), chunks: s.chunks.slice(), pending: s.pending.slice(), lows: { ...s.lows }, since: { ...s.since } };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (this.gate.completed(checkpointId)) this.serve();
  }

  close(): void {
    this.closed = true;
    this.cancelDiscovery?.();
    this.endMarks();
  }

  /**
   * The binlog's end now, on a connection kept while chunks are handed out (a connection per
   * hand-out cost about as much as the query); one that fails is replaced once.
   */
  private async lowMark(): Promise<BinlogPosition> {
    try {
      return await binlogEnd(await (this.marks ??= connect(this.o)));
    } catch {
      this.endMarks();
      return withConnection(this.o, binlogEnd);
    }
  }

  private endMarks(): void {
    const c = this.marks;
    this.marks = undefined;
    void c?.then((conn) => conn.end()).catch(() => {});
  }

  private scheduleDiscovery(): void {
    if (this.closed) return;
    this.cancelDiscovery = this.ctx.clock.schedule(this.ctx.clock.now() + DISCOVERY_INTERVAL_MS, () => this.discover());
  }

  /** Lists the matching tables; new ones are split, and their chunks wait for readers. */
  private discover(): void {
    const s = this.state;
    if (!s || this.busy) return this.scheduleDiscovery();
    this.busy = true;
    const known = new Set(s.tables.map(tableIdOf));
    this.ctx.callAsync(
      () =>
        withConnection(this.o, async (c) => {
          // Noted before the listing: a table the listing misses was created after this point.
          const checked = await binlogEnd(c);
          const tables: CapturedTable[] = [];
          const chunks: TableChunk[] = [];
          for (const t of await matchingTables(c, this.o)) {
            if (known.has(tableIdOf(t))) continue;
            const table = await describeTable(c, t.database, t.table);
            tables.push(table);
            chunks.push(...(await splitTable(c, this.o, table)));
          }
          return { checked, tables, chunks };
        }),
      (found) => {
        for (const t of found.tables) s.since[tableIdOf(t)] = s.checked;
        s.checked = found.checked;
        s.tables.push(...found.tables);
        s.chunks.push(...found.chunks);
        s.pending.push(...snapshotOrder(found.chunks));
        this.busy = false;
        this.scheduleDiscovery();
        this.serve();
      },
    );
  }

  private serve(): void {
    const s = this.state;
    if (!s || this.busy) return;
    if (this.waiting.length > 0 && s.pending.length > 0) {
      // The low mark must be taken before the reader's SELECT: noting it here, before the hand-out, is.
      this.busy = true;
      this.ctx.callAsync(
        () => this.lowMark(),
        (low) => {
          this.busy = false;
          while (this.waiting.length > 0 && s.pending.length > 0) {
            const reader = this.waiting.shift()!;
            // A few chunks at a time, fewer near the end so that every reader keeps a share.
            const n = Math.min(CHUNKS_PER_REQUEST, Math.ceil(s.pending.length / this.ctx.parallelism));
            this.gate.chunksHandedOut();
            for (const id of s.pending.splice(0, n)) {
              this.reading.set(reader, id);
              s.lows[id] = low;
              const chunk = s.chunks.find((c) => c.id === id)!;
              const table = s.tables.find((t) => tableIdOf(t) === chunk.table)!;
              this.ctx.assignSplit(reader, { id, kind: 'chunk', table, chunk, low, start: s.since[chunk.table] ?? s.start });
            }
          }
          if (s.pending.length === 0) this.endMarks();
          this.serve();
        },
      );
      return;
    }
    if (this.reading.size > 0 || s.pending.length > 0) return;
    const adding = s.logAssigned && s.tables.some((t) => !this.logKnows.has(tableIdOf(t)));
    if (this.waitsForCommit(s, adding)) return;
    const withLows = (chunks: TableChunk[]): ChunkLow[] => chunks.map((c) => ({ ...c, low: s.lows[c.id]! }));
    if (this.o.startupMode !== 'snapshot' && !s.logAssigned && this.waiting.length > 0) {
      s.logAssigned = true;
      this.logHolder = this.waiting.shift()!;
      for (const t of s.tables) this.logKnows.add(tableIdOf(t));
      this.ctx.assignSplit(this.logHolder, { id: LOG_SPLIT_ID, kind: 'log', tables: s.tables, chunks: withLows(s.chunks), start: s.start });
    } else if (s.logAssigned && this.logHolder !== undefined) {
      const added = s.tables.filter((t) => !this.logKnows.has(tableIdOf(t)));
      if (added.length > 0) {
        const ids = new Set(added.map(tableIdOf));
        for (const id of ids) this.logKnows.add(id);
        const chunks = withLows(s.chunks.filter((c) => ids.has(c.table)));
        this.ctx.assignSplit(this.logHolder, { id: `new-tables#${s.tables.length}`, kind: 'tables', tables: added, chunks });
      }
    }
    if (this.o.startupMode === 'snapshot' || (s.logAssigned && !this.o.newlyAddedTables))
      for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
  }

  /** Whether the log split, or new tables for it, must wait for the chunks' rows to be committed ({@link LogSplitGate}). */
  private waitsForCommit(s: State, adding: boolean): boolean {
    if (!adding && (this.o.startupMode === 'snapshot' || s.logAssigned)) return false;
    return this.gate.mustWait(this.ctx.checkpointing);
  }
}
