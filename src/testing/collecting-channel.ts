import type { Batch } from '../core/batch.js';
import type { ControlElement } from '../core/stream-element.js';
import type { ChannelTarget } from '../runtime/edge-router.js';

/** One record an operator emitted, with its event timestamp (`-Infinity` when it has none). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
  /** The row kind (`RowKind`), only for records of a changelog batch. */
  readonly kind?: number;
}

/**
 * The downstream end of a harness's output: keeps every record and watermark it is sent, in order,
 * where a real job would have the next operator.
 */
export class CollectingChannel<T> implements ChannelTarget {
  records: TimestampedValue<T>[] = [];
  watermarks: number[] = [];
  ended = false;

  receiveBatch(_channel: number, batch: Batch<unknown>): void {
    const { values, timestamps, kinds } = batch;
    for (let i = 0; i < values.length; i++)
      this.records.push(
        kinds === undefined ? { value: values[i] as T, timestamp: timestamps[i]! } : { value: values[i] as T, timestamp: timestamps[i]!, kind: kinds[i]! },
      );
  }
  receiveControl(_channel: number, element: ControlElement): void {
    if (element.kind === 'watermark') this.watermarks.push(element.timestamp);
    else if (element.kind === 'end') this.ended = true;
  }
  clear(): void {
    this.records = [];
    this.watermarks = [];
  }
}
