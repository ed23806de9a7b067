import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch } from '../../core/batch.js';
import type { Clock } from '../../core/clock.js';
import { UNCOMMITTED_RECORDS, type SinkWriter } from '../../core/sink.js';
import type { OperatorMetrics } from '../../core/operator.js';
import { InProgressPart, PendingPart } from './part-file.js';
import type { RecordEncoder } from './record-encoders.js';
import type { RollingPolicy } from './rolling-policy.js';

export interface PartNaming {
  readonly prefix: string;
  readonly suffix: string;
}

/** The parts a checkpoint pre-committed: `[hidden path, final path]` pairs. */
export interface FileCommittable {
  readonly checkpointId: number;
  readonly parts: [string, string][];
}

/**
 * Writes one subtask's records into part files `<prefix>-<subtask>-<n><suffix>` under `dir`.
 * Records go to the in-progress part; when the policy rolls it (or input ends) it is closed
 * (`rollPart`) and committed (`commitPart`). Without exactly-once checkpoints the commit follows the
 * close at once. With them the writer is two-phase: a checkpoint barrier closes the current part
 * and, with every part rolled since the previous barrier, makes it the checkpoint's committable;
 * those parts keep their hidden names until the checkpoint completes, so readers never see output
 * that a restore would produce again.
 *
 * When the job stops before its input ends (cancel, failure), `close` finishes and commits the open
 * part if the writer is not two-phase, as the parts rolled before it were, so stopping loses nothing
 * written; a two-phase writer leaves its uncommitted parts hidden for a restore to delete. Records
 * still not committed then are counted as {@link UNCOMMITTED_RECORDS}.
 */
export class RollingFileWriter implements SinkWriter<unknown> {
  private part: InProgressPart | undefined;
  private nextIndex: number;
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown;
  private cancelTimer: (() => void) | undefined;
  /** Closed parts not yet in a checkpoint (two-phase mode). */
  private rolled: Promise<PendingPart>[] = [];
  /** Pre-committed parts by checkpoint, waiting for the checkpoint to complete. */
  private readonly precommitted = new Map<number, PendingPart[]>();
  /** Records written and not yet in a committed part. */
  private uncommitted = 0;

  constructor(
    private readonly dir: string,
    private readonly subtask: number,
    private readonly naming: PartNaming,
    private readonly encode: RecordEncoder,
    private readonly policy: RollingPolicy,
    private readonly clock: Clock,
    private readonly twoPhase = false,
    private readonly parallelism = 1,
    private readonly metrics?: OperatorMetrics,
  ) {
    this.nextIndex = this.firstFreeIndex();
  }

  write(batch: Batch<unknown>): Promise<void> | undefined {
    if (this.error) throw this.error;
    const now = this.clock.now();
    if (this.part && this.policy.shouldRollOnTime(now, this.part.openedAt, this.part.lastWriteAt)) this.rollPart();
    const values = batch.values;
    let chunk = '';
    let bytes = 0;
    let lines = 0;
    let wait: Promise<void> | undefined;
    for (let i = 0; i < values.length; i++) {
      const line = this.encode(values[i]) + '\n';
      const n = Buffer.byteLength(line);
      const size = (this.part?.size ?? 0) + bytes;
      if (this.policy.shouldRollOnRecord(size, n)) {
        if (chunk) wait = this.openPart(now).write(chunk, bytes, lines, now) ?? wait;
        chunk = '';
        bytes = 0;
        lines = 0;
        this.rollPart();
      }
      chunk += line;
      bytes += n;
      lines++;
    }
    if (chunk) wait = this.openPart(now).write(chunk, bytes, lines, now) ?? wait;
    this.uncommitted += values.length;
    return wait;
  }

  /** Closes the in-progress part and commits it (in the background; `finish` awaits it). */
  rollPart(): void {
    const part = this.part;
    if (!part) return;
    this.part = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.twoPhase) {
      const closing = part.close();
      this.track(closing.then(() => undefined));
      this.rolled.push(closing);
    } else this.track(part.close().then((pending) => this.commitPart(pending)));
  }

  /**
   * Barrier of checkpoint `id`: the parts written since the last one become its committable, with
   * the parts of earlier checkpoints not committed yet (their completion may not have arrived), so
   * a restore from `id` commits those too.
   */
  preCommit(id: number): Promise<FileCommittable> | undefined {
    if (!this.twoPhase) return undefined;
    this.rollPart();
    const closing = this.rolled;
    this.rolled = [];
    return Promise.all(closing).then((parts) => {
      this.precommitted.set(id, parts);
      const pending = [...this.precommitted].filter(([cid]) => cid <= id).flatMap(([, ps]) => ps);
      return { checkpointId: id, parts: pending.map((p): [string, string] => [p.inProgressPath, p.finalPath]) };
    });
  }

  /** Checkpoint `id` completed: its parts (and any older ones still waiting) become visible. */
  async commit(id: number): Promise<void> {
    for (const [cid, parts] of [...this.precommitted]) {
      if (cid > id) continue;
      for (const p of parts) await this.commitPart(p);
      // Forgotten only once visible: a checkpoint taken meanwhile still lists them.
      this.precommitted.delete(cid);
    }
  }

  /**
   * After a restore: commits the parts of the restored checkpoint (they may already be visible) and
   * deletes the hidden parts that no checkpoint covers, of every old subtask this one inherits:
   * subtask numbers `j` with `j % parallelism === subtask`, the same rule that hands it their
   * committables. Another live subtask's number never matches, so its files are never touched.
   */
  async recover(committables: unknown[]): Promise<void> {
    const keep = new Set<string>();
    for (const c of committables as FileCommittable[]) {
      for (const [hidden, final] of c.parts) {
        keep.add(hidden);
        await this.commitPart(new PendingPart(hidden, final));
      }
    }
    if (!this.twoPhase) return;
    const re = new RegExp(`^\\.${escape(this.naming.prefix)}-(\\d+)-\\d+.*\\.inprogress$`);
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      const m = re.exec(name);
      if (m && Number(m[1]) % this.parallelism === this.subtask && !keep.has(path)) rmSync(path, { force: true });
    }
    this.nextIndex = this.firstFreeIndex();
  }

  /** Makes a closed part visible under its final name. */
  async commitPart(pending: PendingPart): Promise<void> {
    await pending.commit();
    this.uncommitted -= pending.records;
  }

  async finish(): Promise<void> {
    this.rollPart();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.error) throw this.error;
    // Two-phase: the last parts stay pending; the job's final checkpoint pre-commits and commits them.
  }

  async close(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const part = this.part;
    this.part = undefined;
    // A part still open means the job stopped early. Without two-phase commit it is output like the
    // parts rolled before it, so it is committed too; with it, it is flushed but stays hidden (a
    // restore deletes it and writes its records again).
    if (part && !this.error) this.track(this.twoPhase ? part.close().then(() => undefined) : part.close().then((p) => this.commitPart(p)));
    else part?.abort();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.uncommitted > 0) this.metrics?.inc(UNCOMMITTED_RECORDS, this.uncommitted);
    if (this.error) throw this.error;
  }

  private openPart(now: number): InProgressPart {
    if (this.part) return this.part;
    const name = `${this.naming.prefix}-${this.subtask}-${this.nextIndex++}${this.naming.suffix}`;
    this.part = new InProgressPart(this.dir, name, now);
    this.scheduleTimeCheck();
    return this.part;
  }

  /** Time-based rolling must happen even when no records arrive. */
  private scheduleTimeCheck(): void {
    const part = this.part;
    if (!part) return;
    this.cancelTimer = this.clock.schedule(this.policy.nextCheck(part.openedAt, part.lastWriteAt), () => {
      this.cancelTimer = undefined;
      if (this.part !== part) return;
      if (this.policy.shouldRollOnTime(this.clock.now(), part.openedAt, part.lastWriteAt)) this.rollPart();
      else this.scheduleTimeCheck();
    });
  }

  private track(p: Promise<void>): void {
    const tracked = p.then(
      () => void this.inFlight.delete(tracked),
      (e) => {
        this.inFlight.delete(tracked);
        this.error ??= e;
      },
    );
    this.inFlight.add(tracked);
  }

  /** Continues numbering after parts an earlier run left in the directory, so none is overwritten. */
  private firstFreeIndex(): number {
    const re = new RegExp(`^\\.?${escape(this.naming.prefix)}-${this.subtask}-(\\d+)`);
    let next = 0;
    for (const name of readdirSync(this.dir)) {
      const m = re.exec(name);
      if (m) next = Math.max(next, Number(m[1]) + 1);
    }
    return next;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
