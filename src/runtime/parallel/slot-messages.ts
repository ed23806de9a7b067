import type { SourceSplit } from '../../core/source.js';
import type { OperatorMetricsSnapshot } from '../../graph/job-executor.js';
import type { EncodedValues } from './batch-codec.js';
import type { SlotError } from './slot-error.js';

/** Data and control elements between subtasks in different slots (one MessagePort per slot pair). */
export type LinkMessage =
  | { readonly t: 'b'; readonly n: number; readonly d: number; readonly ch: number; readonly v: EncodedValues; readonly ts: ArrayBuffer; readonly k: EncodedValues | undefined; readonly rk?: ArrayBuffer }
  | { readonly t: 'w'; readonly n: number; readonly d: number; readonly ch: number; readonly w: number }
  | { readonly t: 'i'; readonly n: number; readonly d: number; readonly ch: number; readonly idle: boolean }
  | { readonly t: 'x'; readonly n: number; readonly d: number; readonly ch: number; readonly id: number; readonly sp: boolean }
  | { readonly t: 'e'; readonly n: number; readonly d: number; readonly ch: number }
  /** Credit: the peer processed this many data messages. */
  | { readonly t: 'c'; readonly c: number };

/** Main thread to a slot worker. */
export type ToSlot =
  | { readonly t: 'checkpoint'; readonly id: number; readonly savepoint: boolean }
  | { readonly t: 'notify'; readonly id: number }
  | { readonly t: 'aborted'; readonly id: number }
  /** Splits a source's enumerator assigned to reader `index` of node `node` (which runs in this slot). */
  | { readonly t: 'splits'; readonly node: number; readonly index: number; readonly splits: SourceSplit[]; readonly positions: Record<string, unknown> | undefined }
  | { readonly t: 'no-more-splits'; readonly node: number; readonly index: number }
  | { readonly t: 'start' }
  | { readonly t: 'close' }
  | { readonly t: 'cancel' };

/** Per-subtask metrics a slot reports. */
export interface SlotMetrics {
  readonly operators: (OperatorMetricsSnapshot & { readonly nodeId: number })[];
  readonly watermark: number;
}

/** A slot worker to the main thread. */
export type FromSlot =
  | { readonly t: 'running' }
  | { readonly t: 'ack'; readonly id: number; readonly uid: string; readonly index: number; readonly parallelism: number; readonly bytes: Uint8Array; readonly alignmentMs: number; readonly syncMs: number }
  | { readonly t: 'metrics'; readonly m: SlotMetrics }
  /** A reader of a source with an enumerator opened, or is idle and asks for a split. */
  | { readonly t: 'reader' | 'split-request'; readonly node: number; readonly index: number }
  | { readonly t: 'sinks-ended' }
  | { readonly t: 'closed'; readonly m: SlotMetrics }
  /** `m`: the slot's metrics at the failure, so the summary of a failed job counts what it did. */
  | { readonly t: 'failed'; readonly error: SlotError; readonly m?: SlotMetrics };
