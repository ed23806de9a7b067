import type { Batch } from '../core/batch.js';
import type { Output } from '../core/operator.js';
import { idleElement, watermarkElement, type ControlElement } from '../core/stream-element.js';
import type { EdgeRouter } from './edge-router.js';
import type { SubtaskMetrics } from './operator-metrics.js';

/** The next operator of a chain, called directly by its predecessor's output. */
export interface ChainedInput {
  processBatch(batch: Batch<unknown>, input: number): void;
  advanceWatermark(watermark: number): void;
  setIdle(idle: boolean): void;
}

/**
 * An operator subtask's output: main and side outputs, each fanned out to the edges that read it,
 * or, inside a chain, the next operator (`next`), which is then the only reader. Barriers and the
 * end of input go to edges only: the task handles them for the whole chain.
 */
export class SubtaskOutput implements Output<unknown> {
  main: EdgeRouter[] = [];
  next: ChainedInput | undefined = undefined;
  readonly side = new Map<string, EdgeRouter[]>();
  lastWatermark = -Infinity;

  constructor(private readonly metrics: SubtaskMetrics) {}

  push(batch: Batch<unknown>): void {
    if (batch.values.length === 0) return;
    this.metrics.recordsOut += batch.values.length;
    if (this.next !== undefined) return this.next.processBatch(batch, 0);
    const m = this.main;
    for (let i = 0; i < m.length; i++) m[i]!.route(batch);
  }
  pushSide(tag: string, batch: Batch<unknown>): void {
    const routers = this.side.get(tag);
    if (!routers || batch.values.length === 0) return;
    for (const r of routers) r.route(batch);
  }
  /** Drops watermarks that do not advance, so operators may forward every one they see. */
  pushWatermark(timestamp: number): void {
    if (timestamp <= this.lastWatermark) return;
    this.lastWatermark = timestamp;
    if (this.next !== undefined) return this.next.advanceWatermark(timestamp);
    this.emit(watermarkElement(timestamp));
  }
  /** Idleness goes to the next operator of a chain, or as an element along every edge. */
  pushIdle(idle: boolean): void {
    if (this.next !== undefined) return this.next.setIdle(idle);
    this.emit(idleElement(idle));
  }
  /**
   * Sends a control element along every main and side edge. Not to a chained next operator:
   * barriers and the end of input are the task's, which handles them for the whole chain.
   */
  emit(element: ControlElement): void {
    for (const r of this.main) r.control(element);
    for (const rs of this.side.values()) for (const r of rs) r.control(element);
  }
}
