import { WeirError } from '../../core/errors.js';

/**
 * The current key before any record set one (in `open`, for example). States reading it find
 * nothing and throw {@link noKeyError}; a real key can never equal it.
 */
export const NO_KEY: unique symbol = Symbol('no current key');

/** The current key as the backend's states see it (normalized for use as a Map key). */
export interface CurrentKey {
  currentKeyId: unknown;
}

/** Keyed state or a timer was used where no key is current. */
export function noKeyError(what: string): WeirError {
  return new WeirError(
    `${what} was used outside a keyed context: keyed state and timers belong to the key of the record being processed, ` +
      'so use them in processElement/onTimer, not in open() or close()',
  );
}
