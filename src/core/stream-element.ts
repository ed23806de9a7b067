import type { Batch } from './batch.js';

/** Records, handed over whole (never copied between chained operators or in one thread). */
export interface BatchElement<T = unknown> {
  readonly kind: 'batch';
  readonly batch: Batch<T>;
}
/** Event time on this channel has reached `timestamp`: no record older than it follows. */
export interface WatermarkElement {
  readonly kind: 'watermark';
  readonly timestamp: number;
}
/** The channel went idle (holds back no watermark) or became active again. */
export interface IdleElement {
  readonly kind: 'idle';
  readonly idle: boolean;
}
/** Checkpoint `checkpointId` separates the input before it from the input after it. */
export interface BarrierElement {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly savepoint: boolean;
}
/** Nothing more follows on this channel. */
export interface EndElement {
  readonly kind: 'end';
}

/** Every element except a batch: what goes to every channel of an edge instead of being partitioned. */
export type ControlElement = WatermarkElement | IdleElement | BarrierElement | EndElement;

/**
 * What flows on a channel between tasks: data batches and in-band control elements. The one type
 * for a subtask's output, for input held back during barrier alignment, and for messages between
 * slots (serialized there). Inside a chain the same information arrives as calls on `Operator`.
 * Elements are immutable, so one element may go to many channels.
 *
 * @example
 * ```ts
 * const e: StreamElement = watermarkElement(1_000);
 * if (e.kind === 'watermark') console.log(e.timestamp);
 * ```
 */
export type StreamElement<T = unknown> = BatchElement<T> | ControlElement;

export function batchElement<T>(batch: Batch<T>): BatchElement<T> {
  return { kind: 'batch', batch };
}
export function watermarkElement(timestamp: number): WatermarkElement {
  return { kind: 'watermark', timestamp };
}
export function barrierElement(checkpointId: number, savepoint: boolean): BarrierElement {
  return { kind: 'barrier', checkpointId, savepoint };
}
/** Shared: the idle status and end of input carry nothing that differs between two of them. */
export const IDLE: IdleElement = Object.freeze({ kind: 'idle', idle: true });
export const ACTIVE: IdleElement = Object.freeze({ kind: 'idle', idle: false });
export const END: EndElement = Object.freeze({ kind: 'end' });

export function idleElement(idle: boolean): IdleElement {
  return idle ? IDLE : ACTIVE;
}
