import type { SourceSplit } from '../../core/source.js';
import type { OperatorMetricsSnapshot } from '../../graph/job-executor.js';
import type { EncodedElement } from './element-codec.js';
import type { SlotError } from './slot-error.js';

/** Stream elements between subtasks in different slots (one MessagePort per slot pair). */
export type LinkMessage =
  /** Element `e` for channel `ch` of subtask `d` of node `n`. */
  | { readonly t: 'e'; readonly n: number; readonly d: number; readonly ch: number; readonly e: EncodedElement }
  /** Credit: the peer processed this many batches. */
  | { readonly t: 'c'; readonly c: number };

/** Main thread to a slot worker. */
export type ToSlot =
  | { readonly t: 'checkpoint'; readonly id: number; readonly savepoint: boolean }
  | { readonly t: 'notify'; readonly id: number }
  | { readonly t: 'aborted'; readonly id: number }
  /** Splits a source's enumerator assigned to reader `index` of node `node` (which runs in this slot). */
  | {
      readonly t: 'splits';
      readonly node: number;
      readonly index: number;
      readonly splits: SourceSplit[];
      readonly positions: Record<string, unknown> | undefined;
    }
  | { readonly t: 'no-more-splits'; readonly node: number; readonly index: number }
  /** A live state query for the subtask of node `uid` in this slot that owns `key`; answered by `query-answer` with the same `id`. */
  | { readonly t: 'query'; readonly id: number; readonly uid: string; readonly name: string; readonly key: unknown }
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
  | {
      readonly t: 'ack';
      readonly id: number;
      readonly uid: string;
      readonly index: number;
      readonly parallelism: number;
      readonly bytes: Uint8Array;
      readonly alignmentMs: number;
      readonly syncMs: number;
    }
  | { readonly t: 'metrics'; readonly m: SlotMetrics }
  /** A reader of a source with an enumerator opened, or is idle and asks for a split. */
  | { readonly t: 'reader' | 'split-request'; readonly node: number; readonly index: number }
  | { readonly t: 'sinks-ended' }
  /** The answer to query `id`: the value, or why there is none. */
  | {
      readonly t: 'query-answer';
      readonly id: number;
      readonly value?: unknown;
      readonly error?: { readonly reason: 'unknown' | 'not-running' | 'unsupported'; readonly message: string };
    }
  | { readonly t: 'closed'; readonly m: SlotMetrics }
  /** `m`: the slot's metrics at the failure, so the summary of a failed job counts what it did. */
  | { readonly t: 'failed'; readonly error: SlotError; readonly m?: SlotMetrics };
