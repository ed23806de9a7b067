import { WeirError } from '../../core/errors.js';

/** An error as a slot worker sends it: what the CLI prints of it, down its chain of causes. */
export interface SlotError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SlotError;
}

/**
 * Flattens an error and its causes into plain data for postMessage (a structured clone keeps
 * neither the class nor, everywhere, the cause).
 *
 * @example
 * control.postMessage({ t: 'failed', error: toSlotError(e) });
 */
export function toSlotError(e: unknown, depth = 0): SlotError {
  const err = e instanceof Error ? e : new Error(String(e));
  const cause = depth < 8 && err.cause !== undefined && err.cause !== err ? toSlotError(err.cause, depth + 1) : undefined;
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), ...(cause ? { cause } : {}) };
}

/** The error again on the main thread, as a WeirError with the worker's name, message, stack and causes. */
export function fromSlotError(s: SlotError): WeirError {
  const e = new WeirError(s.message, s.cause ? { cause: fromSlotError(s.cause) } : undefined);
  e.name = s.name;
  if (s.stack) e.stack = s.stack;
  return e;
}
