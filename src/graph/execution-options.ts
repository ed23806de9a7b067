import { toMillis, type Duration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';

export interface CheckpointingOptions {
  /** Milliseconds between checkpoints (`execution.checkpointing.interval`). */
  readonly interval: number;
  readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  readonly timeout: number;
  readonly minPause: number;
  readonly tolerableFailures: number;
  /** `state.checkpoints.dir`; the job's checkpoints go to `<dir>/<job name>/`. */
  readonly dir: string;
  readonly retained: number;
}

export type RestartStrategyOptions =
  | { readonly type: 'none' }
  | { readonly type: 'fixed-delay'; readonly attempts: number; readonly delay: number }
  | {
      readonly type: 'exponential-delay';
      readonly initialBackoff: number;
      readonly maxBackoff: number;
      readonly multiplier: number;
      readonly resetThreshold: number;
      readonly attempts: number;
    }
  | { readonly type: 'failure-rate'; readonly maxFailures: number; readonly interval: number; readonly delay: number };

export interface RestoreOptions {
  /** A checkpoint or savepoint directory to start from. */
  readonly path?: string;
  /** Start from the newest valid checkpoint in the checkpoint directory, if there is one. */
  readonly latest?: boolean;
  /** Start without state even if a checkpoint exists. */
  readonly ignoreState?: boolean;
  /** Skip state of operators that no longer exist instead of failing. */
  readonly allowNonRestoredState?: boolean;
}

type Raw = Record<string, unknown>;

function get(raw: Raw, ...keys: string[]): unknown {
  for (const k of keys) if (raw[k] !== undefined) return raw[k];
  return undefined;
}
const dur = (v: unknown, name: string): number => {
  try {
    return toMillis(v as Duration);
  } catch (e) {
    throw new ConfigError(`${name}: ${(e as Error).message}`);
  }
};

/**
 * Reads checkpointing options from Flink's keys (`execution.checkpointing.*`, `state.checkpoints.*`)
 * or a `checkpoints: { interval, mode, ... }` object. Returns undefined when no interval is set.
 *
 * @example
 * parseCheckpointing({ 'execution.checkpointing.interval': '10s' })
 */
export function parseCheckpointing(raw: Raw): CheckpointingOptions | undefined {
  const obj = (raw.checkpoints ?? {}) as Raw;
  const interval = get(obj, 'interval') ?? get(raw, 'execution.checkpointing.interval');
  if (interval === undefined) return undefined;
  const mode = String(get(obj, 'mode') ?? get(raw, 'execution.checkpointing.mode') ?? 'EXACTLY_ONCE')
    .toUpperCase()
    .replace('-', '_');
  if (mode !== 'EXACTLY_ONCE' && mode !== 'AT_LEAST_ONCE')
    throw new ConfigError(`execution.checkpointing.mode: '${mode}' is not EXACTLY_ONCE or AT_LEAST_ONCE`);
  return {
    interval: dur(interval, 'execution.checkpointing.interval'),
    mode,
    timeout: dur(get(obj, 'timeout') ?? get(raw, 'execution.checkpointing.timeout') ?? '10 min', 'execution.checkpointing.timeout'),
    minPause: dur(get(obj, 'minPause') ?? get(raw, 'execution.checkpointing.min-pause') ?? 0, 'execution.checkpointing.min-pause'),
    tolerableFailures: Number(get(obj, 'tolerableFailures') ?? get(raw, 'execution.checkpointing.tolerable-failed-checkpoints') ?? 0),
    dir: String(get(obj, 'dir') ?? get(raw, 'state.checkpoints.dir') ?? './.weir/checkpoints'),
    retained: Number(get(obj, 'retained') ?? get(raw, 'state.checkpoints.num-retained') ?? 1),
  };
}

/**
 * Reads Flink's `restart-strategy.*` keys (or a `restartStrategy` object). Default: no restarts
 * without checkpointing; fixed-delay with unlimited attempts and 1 s delay with checkpointing, as Flink.
 */
export function parseRestartStrategy(raw: Raw, checkpointing: boolean): RestartStrategyOptions {
  const obj = (raw.restartStrategy ?? {}) as Raw;
  const type = String(get(obj, 'type') ?? get(raw, 'restart-strategy.type', 'restart-strategy') ?? (checkpointing ? 'fixed-delay' : 'none'));
  const k = (name: string) =>
    get(
      obj,
      name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()),
    ) ?? get(raw, `restart-strategy.${type}.${name}`);
  switch (type) {
    case 'none':
    case 'disable':
    case 'off':
      return { type: 'none' };
    case 'fixed-delay':
    case 'fixeddelay':
      return {
        type: 'fixed-delay',
        attempts: Number(k('attempts') ?? (checkpointing ? Infinity : 1)),
        delay: dur(k('delay') ?? '1s', 'restart-strategy.fixed-delay.delay'),
      };
    case 'exponential-delay':
      return {
        type: 'exponential-delay',
        initialBackoff: dur(k('initial-backoff') ?? '1s', 'initial-backoff'),
        maxBackoff: dur(k('max-backoff') ?? '1 min', 'max-backoff'),
        multiplier: Number(k('backoff-multiplier') ?? 2),
        resetThreshold: dur(k('reset-backoff-threshold') ?? '1h', 'reset-backoff-threshold'),
        attempts: Number(k('attempts-before-reset-backoff') ?? Infinity),
      };
    case 'failure-rate':
    case 'failurerate':
      return {
        type: 'failure-rate',
        maxFailures: Number(k('max-failures-per-interval') ?? 1),
        interval: dur(k('failure-rate-interval') ?? '1 min', 'failure-rate-interval'),
        delay: dur(k('delay') ?? '1s', 'restart-strategy.failure-rate.delay'),
      };
    default:
      throw new ConfigError(`restart-strategy.type: unknown strategy '${type}' (none, fixed-delay, exponential-delay, failure-rate)`);
  }
}
