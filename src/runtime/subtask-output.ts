import type { Batch } from '../core/batch.js';
import type { Output } from '../core/operator.js';
import { watermarkElement, type ControlElement } from '../core/stream-element.js';
import type { EdgeRouter } from './edge-router.js';
import type { SubtaskMetrics } from './operator-metrics.js';

/** An operator subtask's output: main and side outputs, each fanned out to the edges that read it. */
export class SubtaskOutput implements Output<unknown> {
  main: EdgeRouter[] = [];
  readonly side = new Map<string, EdgeRouter[]>();
  lastWatermark = -Infinity;

  constructor(private readonly metrics: SubtaskMetrics) {}

  push(batch: Batch<unknown>): void {
    if (batch.values.length === 0) return;
    this.metrics.recordsOut += batch.values.length;
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
    this.emit(watermarkElement(timestamp));
  }
  /** Sends a control element along every main and side edge. */
  emit(element: ControlElement): void {
    for (const r of this.main) r.control(element);
    for (const rs of this.side.values()) for (const r of rs) r.control(element);
  }
}
