import type { Operator } from './operator.js';
import type { Schema } from './schema.js';

/**
 * Whether a stream carries only insertions, a changelog (`-U`, `+U`, `-D` rows too) or upserts
 * (`+U` and `-D` on a key, no `-U`: a consumer keyed the same way replaces the row it holds), as
 * Flink's planner prints `changelogMode=[I]`, `[I,UB,UA,D]` or `[I,UA,D]`.
 */
export type ChangelogMode = 'insert-only' | 'changelog' | 'upsert';

/** What a factory learns about the graph node it builds an operator for. */
export interface OperatorFactoryContext {
  /** The node's name, as metrics and errors show it. */
  readonly name: string;
  /** The node follows a keyBy: keyed state and timers are available. */
  readonly keyed: boolean;
}

/**
 * Turns a graph node `{ kind, params }` into an operator: the one way the runtime, the DataStream
 * API, SQL and connectors add operator kinds. `kind` is the name the plan prints and the registry
 * looks up (`registerOperatorKind` in `graph/`); the runtime calls `create` once per subtask, on
 * the subtask's thread, so `params` may hold functions. `describe` and `outputChangelogMode` run
 * while planning and must not depend on anything but `params`.
 *
 * @example
 * const doubleKind: OperatorFactory<{ factor: number }> = {
 *   kind: 'scale',
 *   create: ({ factor }) => new ScaleOperator(factor),
 *   describe: ({ factor }) => ({ factor }),
 *   outputChangelogMode: () => 'as-input',
 * };
 */
export interface OperatorFactory<P = any> {
  readonly kind: string;
  create(params: P, ctx: OperatorFactoryContext): Operator<unknown>;
  /** Key parameters for the printed plan (window size, timeout, ...): short values, no functions. */
  describe?(params: P): Record<string, string | number | boolean>;
  /**
   * What the operator emits: insertions only (the default), a changelog, or `'as-input'` when
   * every output row keeps the kind of the row it came from (map, filter, union).
   */
  outputChangelogMode?(params: P): ChangelogMode | 'as-input';
  /**
   * Which input the operator takes, known while planning: `'insert-only'` makes planning reject a
   * changelog input before the job starts, naming the operator. Left out, the runtime checks the
   * rows as they come (see `Operator.inputChangelogMode`).
   */
  inputChangelogMode?(params: P): 'insert-only' | 'all';
  /**
   * The schema of what the operator emits, when it knows it (a source that declares one), or
   * `'as-input'` when its records are those of its inputs (filter, union): planning then checks
   * that inputs declaring schemas agree. Left out: unknown, unless the stream declares one.
   */
  outputSchema?(params: P): Schema | 'as-input' | undefined;
}
