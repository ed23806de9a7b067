export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/**
 * Barrier alignment of one subtask's input channels, as pure bookkeeping (no I/O, no buffering of
 * its own): it says when a checkpoint is complete on this subtask and which channels must hold back
 * their input meanwhile.
 *
 * Exactly-once: a channel that delivered barrier n is blocked until every open channel has
 * delivered n; then the subtask snapshots and the blocked channels resume. At-least-once: nothing
 * is blocked; the subtask snapshots when the last barrier n arrives, so records after the barrier
 * on fast channels may be in the snapshot *and* replayed after a restore.
 *
 * A barrier for a newer checkpoint than the pending one abandons the pending one (it timed out or
 * failed elsewhere); barriers of older checkpoints are ignored.
 */
export class BarrierAligner {
  private pending = -1;
  private readonly seen: boolean[];
  private readonly ended: boolean[];
  private lastCompleted = -1;

  constructor(
    readonly channels: number,
    readonly mode: CheckpointingMode,
  ) {
    this.seen = new Array<boolean>(channels).fill(false);
    this.ended = new Array<boolean>(channels).fill(false);
  }

  /** Checkpoint currently being aligned, or -1. */
  get pendingCheckpoint(): number {
    return this.pending;
  }

  /** Whether input from channel `ch` must be held back now. */
  isBlocked(ch: number): boolean {
    return this.mode === 'EXACTLY_ONCE' && this.pending >= 0 && this.seen[ch]!;
  }

  /**
   * Barrier `id` arrived on channel `ch`. Returns `'complete'` when this subtask has all barriers
   * of `id` (snapshot now, then unblock), `'abandoned'` with the id of an older checkpoint given up
   * in favour of this one (callers unblock channels), or `'waiting'`.
   */
  onBarrier(ch: number, id: number): { result: 'complete' | 'waiting' | 'ignored'; abandoned?: number } {
    if (id <= this.lastCompleted || (this.pending >= 0 && id < this.pending)) return { result: 'ignored' };
    let abandoned: number | undefined;
    if (id > this.pending) {
      if (this.pending >= 0) abandoned = this.pending;
      this.pending = id;
      this.seen.fill(false);
    }
    this.seen[ch] = true;
    return { result: this.tryComplete() ? 'complete' : 'waiting', ...(abandoned !== undefined ? { abandoned } : {}) };
  }

  /** Channel `ch` ended: it no longer has to deliver barriers. Returns true if that completed the pending checkpoint. */
  onEnd(ch: number): boolean {
    this.ended[ch] = true;
    return this.pending >= 0 && this.tryComplete();
  }

  private tryComplete(): boolean {
    for (let c = 0; c < this.channels; c++) if (!this.seen[c] && !this.ended[c]) return false;
    this.lastCompleted = this.pending;
    this.pending = -1;
    this.seen.fill(false);
    return true;
  }
}
