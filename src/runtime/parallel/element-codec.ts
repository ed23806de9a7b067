import { Batch } from '../../core/batch.js';
import type { ControlElement, StreamElement } from '../../core/stream-element.js';
import { decodeValues, encodeValues, type EncodedValues } from './batch-codec.js';

/** A batch as it crosses to another slot: values and keys by {@link encodeValues}, timestamps and row kinds as transferred buffers. */
export interface EncodedBatch {
  readonly kind: 'batch';
  readonly v: EncodedValues;
  readonly ts: ArrayBuffer;
  readonly k: EncodedValues | undefined;
  readonly rk: ArrayBuffer | undefined;
}

/** A {@link StreamElement} as it crosses to another slot. Control elements are plain data and cross as they are. */
export type EncodedElement = EncodedBatch | ControlElement;

/** Encodes `element` for `postMessage`; buffers to transfer (not copy) are pushed onto `transfer`. */
export function encodeElement(element: StreamElement, transfer: ArrayBuffer[]): EncodedElement {
  if (element.kind !== 'batch') return element;
  const batch = element.batch;
  const v = encodeValues(batch.values, transfer);
  const ts = Float64Array.from(batch.timestamps).buffer as ArrayBuffer;
  transfer.push(ts);
  const k = batch.keys ? encodeValues(batch.keys, transfer) : undefined;
  if (batch.kinds === undefined) return { kind: 'batch', v, ts, k, rk: undefined };
  // A copy: the batch's kinds may be a view into a larger buffer, or shared with another consumer.
  const rk = batch.kinds.slice().buffer as ArrayBuffer;
  transfer.push(rk);
  return { kind: 'batch', v, ts, k, rk };
}

/** The element `encodeElement` was given, rebuilt on the receiving side. */
export function decodeElement(e: EncodedElement): StreamElement {
  if (e.kind !== 'batch') return e;
  return { kind: 'batch', batch: decodeBatch(e) };
}

function decodeBatch(e: EncodedBatch): Batch<unknown> {
  return new Batch(decodeValues(e.v), Array.from(new Float64Array(e.ts)), e.k && decodeValues(e.k), e.rk && new Uint8Array(e.rk));
}
