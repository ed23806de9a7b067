/**
 * Holds back a CDC source's log split (or new tables for it) until the snapshot rows before it are
 * committed. A checkpoint may hold one reader's last chunk rows and the log holder's first changes,
 * and a two-phase sink commits each subtask's part of a checkpoint on its own, in no set order: a
 * key's later change (`-U`, `-D`) could be committed before the key's snapshot `+I`. So once every
 * chunk handed out was emitted, the gate opens only when a checkpoint triggered after that moment
 * completed. Without checkpoints nothing commits by checkpoint, and nothing waits. Both CDC
 * sources' enumerators use it.
 *
 * @example
 * const gate = new LogSplitGate();
 * gate.chunksHandedOut();
 * // ... every reader emitted its chunks:
 * if (gate.mustWait(ctx.checkpointing)) return; // hand out the log split later
 * gate.triggered(8);
 * if (gate.completed(8)) serve();
 */
export class LogSplitGate {
  /** The id of the last checkpoint triggered in this attempt (0: none yet). */
  private lastTriggered = 0;
  /** Whether chunks were handed out since the gate last opened (or since this attempt started). */
  private chunksOut = false;
  /** Once every chunk handed out was emitted: the last checkpoint triggered then. */
  private emittedBy: number | undefined;

  /** A checkpoint was triggered (the enumerator's `snapshotState`). */
  triggered(checkpointId: number | undefined): void {
    if (checkpointId !== undefined && checkpointId > this.lastTriggered) this.lastTriggered = checkpointId;
  }

  /** Chunks went to a reader: what was emitted before no longer covers them. */
  chunksHandedOut(): void {
    this.chunksOut = true;
    this.emittedBy = undefined;
  }

  /** Asked once every chunk handed out was emitted: whether the log split must wait for a checkpoint. */
  mustWait(checkpointing: boolean | undefined): boolean {
    if (!this.chunksOut || !checkpointing) return false;
    this.emittedBy ??= this.lastTriggered;
    return true;
  }

  /** A checkpoint completed; true when that opens the gate (the caller then hands out what waited). */
  completed(checkpointId: number): boolean {
    if (this.emittedBy === undefined || checkpointId <= this.emittedBy) return false;
    this.emittedBy = undefined;
    this.chunksOut = false;
    return true;
  }
}
