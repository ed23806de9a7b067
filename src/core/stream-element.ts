import type { Batch } from './batch.js';

/**
 * What flows on a channel between tasks: data batches and in-band control elements. Inside a chain
 * the same information arrives as calls on {@link Operator}; across threads it is serialized.
 */
export type StreamElement<T = unknown> =
  | { readonly kind: 'batch'; readonly batch: Batch<T> }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'barrier'; readonly checkpointId: number; readonly savepoint: boolean }
  | { readonly kind: 'end' };
