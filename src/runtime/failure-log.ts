import { InvalidTimestampError, MalformedInputError, UserFunctionError, snippet } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { failureLine } from './job-events.js';

/** Where a failure was caught: the subtask of the task whose guard caught it. */
interface FailureSite {
  readonly name: string;
  readonly index: number;
  readonly parallelism: number;
}

const sites = new WeakMap<object, FailureSite>();

/**
 * Remembers which subtask caught `error` (the first to do so), for {@link logFailure}; returns it.
 *
 * @example
 * host.fail(locateFailure(wrapped, this.info));
 */
export function locateFailure<E>(error: E, site: FailureSite): E {
  if (typeof error === 'object' && error !== null && !sites.has(error)) sites.set(error, site);
  return error;
}

/**
 * Logs a failure of an attempt as one error entry: the operator that failed (the one a user
 * function or a source names in its error, else the head of the task that caught it), its subtask
 * as `index/parallelism` counted from 1 as the CLI summary shows it, the record's source position
 * where the error knows it (`position`), the record, and the failure with its causes.
 */
export function logFailure(log: Logger, error: unknown): void {
  const site = typeof error === 'object' && error !== null ? sites.get(error) : undefined;
  const fields: Record<string, unknown> = { event: 'failed', error: failureLine(error) };
  const own = ownOperator(error);
  if (own ?? site) fields.operator = own ?? site!.name;
  if (site) fields.subtask = `${site.index + 1}/${site.parallelism}`;
  const cause = rootWeirError(error);
  if (cause instanceof MalformedInputError) fields.position = cause.location;
  else if (cause instanceof InvalidTimestampError) {
    if (cause.location !== undefined) fields.position = cause.location;
    fields.record = snippet(cause.record);
  } else if (cause instanceof UserFunctionError) fields.record = snippet(cause.record);
  const where = fields.operator === undefined ? '' : ` in operator '${String(fields.operator)}'${site ? ` (subtask ${String(fields.subtask)})` : ''}`;
  log.error(fields, `Task failed${where}${fields.position === undefined ? '' : ` at ${String(fields.position)}`}: ${String(fields.error)}`);
}

/** The first error in the cause chain that names its own place. */
function rootWeirError(error: unknown): unknown {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof UserFunctionError || e instanceof MalformedInputError || e instanceof InvalidTimestampError) return e;
  }
  return undefined;
}

function ownOperator(error: unknown): string | undefined {
  const e = rootWeirError(error);
  if (e instanceof UserFunctionError) return e.operator;
  if (e instanceof MalformedInputError) return e.source;
  return undefined;
}
