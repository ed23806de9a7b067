import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import { LogSplitGate } from './log-split-gate.js';
import { snapshotOrder } from './chunks.js';
import { capturedTables, describeTable, matchingTables, tableIdOf, type CapturedTable } from './captured-tables.js';
import { LOG_SPLIT_ID, type CdcSplit, type TableChunk } from './cdc-splits.js';
import {
  dropSlotIfExists,
  ensureNamedSlot,
  ensureSlot,
  newTablesSlotOf,
  publishNewTables,
  slotDroppedError,
  slotExists,
  splitTable,
  withClient,
} from './pg-catalog.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

/**
 * Chunks handed to a reader per request. A reader reads the chunks it holds in one round trip (see
 * `ChunkReads`), so the server streams them back to back, and asks for the next ones while it emits
 * these (see `CdcReader`); it holds their COPY text (not row objects) until it emitted them; under
 * concurrent writes one peek at the log serves them all. Eight against four halved the time readers waited for a request's
 * first chunk (docs/performance.md).
 */
export const CHUNKS_PER_REQUEST = 8;

/** SQLSTATE undefined_table. */
const UNDEFINED_TABLE = '42P01';

/** How often the enumerator looks for new tables (`scan.newly-added-table.enabled`). */
export const DISCOVERY_INTERVAL_MS = 1000;

/** What a checkpoint keeps of the enumerator: the table layout, chunks not handed out, and whether the log split was. */
export interface CdcEnumeratorState {
  /** The captured tables: those of the job's first start, then those found later. */
  readonly tables: CapturedTable[];
  readonly chunks: TableChunk[];
  readonly pending: string[];
  readonly logAssigned: boolean;
  /** Tables found after the start whose chunks are being read: the log split does not capture them yet. */
  readonly adding?: string[];
}

type State = { -readonly [K in keyof CdcEnumeratorState]-?: CdcEnumeratorState[K] };

/**
 * Finds the tables to capture, sets up the publication and the slot (before any chunk is read, so
 * the slot holds the log from then on), cuts each table into chunks, hands them to readers as they free up, and hands the log
 * split to one reader once every chunk was read. A restored job whose slot is gone stops.
 *
 * With `scan.newly-added-table.enabled` it lists the matching tables again every
 * {@link DISCOVERY_INTERVAL_MS} (and at once on a restore). New ones, a batch at a time, are added
 * to the publication, a second slot is created (see `newTablesSlotOf`: the log split holds the
 * job's own), and their chunks are handed out like the first ones. Once they are read, the
 * tables and their chunks go to the reader holding the log split (a `tables` split), whose stream
 * waits for them at the first change or watermark of a table it does not know; the second slot is
 * dropped. (A chunk is read twice only across a restore, and a restored log split starts once every
 * chunk was read: the last watermark of each in the log is the kept read's, as for the first tables.) Readers are then never told there are no
 * more splits, since a table may come at any time.
 */
export class CdcEnumerator implements SplitEnumerator<CdcSplit, CdcEnumeratorState | undefined> {
  private state: State | undefined;
  /**
   * The chunks of each reader that it may not have emitted yet. A reader asks for its next chunks
   * while it still emits its last ones (so the server reads ahead, see `CdcReader`): a request says
   * that every chunk but those of its last hand-out ({@link latest}) was emitted.
   */
  private readonly reading = new Map<number, string[]>();
  /** The ids of the last hand-out to each reader: chunks, or none for a drain. */
  private readonly latest = new Map<number, string[]>();
  private drains = 0;
  private readonly waiting: number[] = [];
  private busy = false;
  /** The reader holding the log split in this attempt. */
  private logHolder: number | undefined;
  private cancelDiscovery: (() => void) | undefined;
  private closed = false;
  /** Holds the log split back until the chunks' rows are committed. */
  private readonly gate = new LogSplitGate();

  constructor(
    private readonly o: ResolvedCdcOptions,
    private readonly ctx: SplitEnumeratorContext<CdcSplit>,
    restored: CdcEnumeratorState | undefined,
  ) {
    if (restored)
      this.state = {
        ...restored,
        tables: restored.tables.slice(),
        pending: restored.pending.slice(),
        chunks: restored.chunks.slice(),
        adding: restored.adding?.slice() ?? [],
      };
  }

  start(): void {
    const restored = this.state;
    this.busy = true;
    this.ctx.callAsync(
      () =>
        withClient(this.o, async (c) => {
          if (restored) {
            if (!(await slotExists(c, this.o))) throw slotDroppedError(this.o);
            if (this.o.newlyAddedTables) {
              // Tables being snapshotted need the second slot; one left by an attempt that handed them over goes.
              if (restored.adding.length > 0) await ensureNamedSlot(c, newTablesSlotOf(this.o));
              else await dropSlotIfExists(c, newTablesSlotOf(this.o));
            }
            return undefined;
          }
          const tables = await capturedTables(c, this.o);
          await ensureSlot(c, this.o, tables);
          if (this.o.newlyAddedTables) await dropSlotIfExists(c, newTablesSlotOf(this.o));
          const chunks: TableChunk[] = [];
          if (this.o.startupMode !== 'latest-offset') for (const t of tables) chunks.push(...(await splitTable(c, this.o, t)));
          return { tables, chunks };
        }),
      (layout) => {
        if (layout) this.state = { ...layout, pending: snapshotOrder(layout.chunks), logAssigned: false, adding: [] };
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
    const last = this.latest.get(subtask) ?? [];
    if (last.length > 0) this.reading.set(subtask, last);
    else this.reading.delete(subtask);
    if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
    this.serve();
  }

  addSplitsBack(splits: CdcSplit[]): void {
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

  snapshotState(checkpointId?: number): CdcEnumeratorState | undefined {
    this.gate.triggered(checkpointId);
    const s = this.state;
    return s && { ...s, tables: s.tables.slice(), chunks: s.chunks.slice(), pending: s.pending.slice(), adding: s.adding.slice() };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    if (this.gate.completed(checkpointId)) this.serve();
  }

  close(): void {
    this.closed = true;
    this.cancelDiscovery?.();
  }

  private scheduleDiscovery(): void {
    if (this.closed) return;
    this.cancelDiscovery = this.ctx.clock.schedule(this.ctx.clock.now() + DISCOVERY_INTERVAL_MS, () => this.discover());
  }

  /** Lists the matching tables; new ones are published and split, and their chunks wait for readers. */
  private discover(): void {
    const s = this.state;
    // One batch at a time: the second slot must start after the batch's tables joined the publication.
    if (!s || this.busy || s.adding.length > 0) return this.scheduleDiscovery();
    this.busy = true;
    const known = new Set(s.tables.map(tableIdOf));
    this.ctx.callAsync(
      () =>
        withClient(this.o, async (c) => {
          const tables: CapturedTable[] = [];
          const chunks: TableChunk[] = [];
          for (const t of await matchingTables(c, this.o)) {
            if (known.has(tableIdOf(t))) continue;
            // Dropped since it was listed: not a table to capture.
            const table = await describeTable(c, t.schema, t.table).catch((e: unknown) => {
              if ((e as { code?: string }).code === UNDEFINED_TABLE) return undefined;
              throw e;
            });
            if (table) tables.push(table);
          }
          if (tables.length === 0) return { tables, chunks };
          await publishNewTables(c, this.o, tables, newTablesSlotOf(this.o));
          for (const t of tables) chunks.push(...(await splitTable(c, this.o, t)));
          return { tables, chunks };
        }),
      (found) => {
        s.tables.push(...found.tables);
        s.chunks.push(...found.chunks);
        s.pending.push(...snapshotOrder(found.chunks));
        s.adding.push(...found.tables.map(tableIdOf));
        this.busy = false;
        this.scheduleDiscovery();
        this.serve();
      },
    );
  }

  private serve(): void {
    const s = this.state;
    if (!s || this.busy) return;
    const adding = new Set(s.adding);
    while (this.waiting.length > 0 && s.pending.length > 0) {
      const reader = this.waiting.shift()!;
      // A few chunks at a time, fewer near the end so that every reader keeps a share.
      const n = Math.min(CHUNKS_PER_REQUEST, Math.ceil(s.pending.length / this.ctx.parallelism));
      const ids = s.pending.splice(0, n);
      this.gate.chunksHandedOut();
      this.latest.set(reader, ids);
      this.reading.set(reader, [...(this.reading.get(reader) ?? []), ...ids]);
      for (const id of ids) {
        const chunk = s.chunks.find((c) => c.id === id)!;
        const table = s.tables.find((t) => tableIdOf(t) === chunk.table)!;
        if (!adding.has(chunk.table)) {
          this.ctx.assignSplit(reader, { id, kind: 'chunk', table, chunk });
          continue;
        }
        this.ctx.assignSplit(reader, { id, kind: 'chunk', table, chunk, slot: newTablesSlotOf(this.o) });
      }
    }
    if (s.pending.length > 0) return;
    // No chunk left to hand out: a reader that may still be emitting some gets a drain, and asks
    // again once it has emitted them, which tells that it has.
    for (const reader of this.waiting.filter((r) => this.reading.has(r))) {
      this.waiting.splice(this.waiting.indexOf(reader), 1);
      this.latest.set(reader, []);
      this.ctx.assignSplit(reader, { id: `drain#${reader}#${this.drains++}`, kind: 'drain' });
    }
    if (this.reading.size > 0) return;
    if (this.waitsForCommit(s, adding.size > 0)) return;
    if (adding.size > 0) this.handOver(s, adding);
    if (this.o.startupMode !== 'snapshot' && !s.logAssigned && this.waiting.length > 0) {
      s.logAssigned = true;
      this.logHolder = this.waiting.shift()!;
      this.ctx.assignSplit(this.logHolder, { id: LOG_SPLIT_ID, kind: 'log', tables: s.tables, chunks: s.chunks });
    }
    if (this.o.startupMode === 'snapshot' || (s.logAssigned && !this.o.newlyAddedTables))
      for (const r of this.waiting.splice(0)) this.ctx.signalNoMoreSplits(r);
  }

  /** Whether the log split, or new tables for it, must wait for the chunks' rows to be committed ({@link LogSplitGate}). */
  private waitsForCommit(s: State, adding: boolean): boolean {
    if (!adding && (this.o.startupMode === 'snapshot' || s.logAssigned)) return false;
    return this.gate.mustWait(this.ctx.checkpointing);
  }

  /** The batch's chunks were all read: its tables go to the log split, and the second slot goes. */
  private handOver(s: State, adding: ReadonlySet<string>): void {
    s.adding = [];
    if (s.logAssigned && this.logHolder !== undefined) {
      const chunks = s.chunks.filter((c) => adding.has(c.table));
      const tables = s.tables.filter((t) => adding.has(tableIdOf(t)));
      this.ctx.assignSplit(this.logHolder, { id: `new-tables#${s.tables.length}`, kind: 'tables', tables, chunks });
    }
    // Best effort: a slot left behind is dropped at the next start, and holds no more log than the job's own.
    void withClient(this.o, (c) => dropSlotIfExists(c, newTablesSlotOf(this.o))).catch(() => {});
  }
}
