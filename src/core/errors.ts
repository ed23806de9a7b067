/** Base class of the errors Weir raises itself, so callers can tell them from user errors. */
export class WeirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A user function threw: names the operator and shows the record it was given. */
export class UserFunctionError extends WeirError {
  constructor(
    readonly operator: string,
    readonly record: unknown,
    cause: unknown,
  ) {
    super(`User function in operator '${operator}' failed on record ${snippet(record)}: ${describe(cause)}`, { cause });
  }
}

/** Input that a source could not read: names source, split, position and shows the raw text. */
export class MalformedInputError extends WeirError {
  constructor(
    readonly source: string,
    readonly location: string,
    readonly raw: string,
    readonly reason: string,
  ) {
    super(`Malformed input in source '${source}' at ${location}: ${reason}; input: ${JSON.stringify(raw.length > 200 ? raw.slice(0, 200) + '…' : raw)}`);
  }
}

/** A job was configured in a way that cannot run; the message says what to change. */
export class ConfigError extends WeirError {}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A short, printable rendering of a record for error messages. */
export function snippet(v: unknown, max = 200): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? s.slice(0, max) + '…' : s;
}

/** A record's event timestamp is not a safe integer: names where it was assigned, the value and the record. */
export class InvalidTimestampError extends WeirError {
  constructor(
    /** The source or operator that assigned it, e.g. `source 'orders' (timestamp assigner)`. */
    readonly where: string,
    readonly location: string | undefined,
    readonly record: unknown,
    readonly reason: string,
  ) {
    super(`Invalid event timestamp in ${where}${location === undefined ? '' : ` at ${location}`}: ${reason}; record: ${snippet(record)}`);
  }
}

/**
 * A failure no restart can mend (a saved log position the server no longer has): the job fails at
 * once whatever its restart strategy, as Flink's `SuppressRestartsException`, instead of retrying
 * into the same error. The message says what the user can do.
 *
 * @example
 * throw new UnrecoverableError(`the replication slot 's1' is gone: start the job without restoring`);
 */
export class UnrecoverableError extends WeirError {}

/**
 * Whether `e` or one of its causes is an {@link UnrecoverableError}; by name, because an error that
 * crossed from a worker thread is a copy of another class.
 */
export function isUnrecoverable(e: unknown): boolean {
  for (let c = e, depth = 0; c instanceof Error && depth < 10; c = c.cause, depth++) if (c.name === 'UnrecoverableError') return true;
  return false;
}
