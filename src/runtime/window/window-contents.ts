import { ConfigError } from '../../core/errors.js';
import type { AggregateFunction } from '../../core/state.js';
import type { TimestampedValue } from '../../core/window/evictor.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';

/**
 * How one window's contents are kept in state and turned into the elements its function gets:
 * a running reduce value, an aggregate accumulator, every value, or (with an evictor) every value
 * with its timestamp. One instance per operator; the methods are pure functions of their arguments.
 */
export class WindowContents {
  readonly mode: 'reduce' | 'aggregate' | 'list' | 'evicting';
  private readonly reduce: ((a: unknown, b: unknown) => unknown) | undefined;
  private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined;

  constructor(spec: WindowOperatorSpec, operatorName: string) {
    const fn = spec.fn;
    this.reduce = fn.type === 'reduce' ? fn.reduce : undefined;
    this.agg = fn.type === 'aggregate' ? fn.aggregate : undefined;
    this.mode = spec.evictor ? 'evicting' : fn.type === 'process' ? 'list' : fn.type;
    if (spec.assigner.merging && this.mode === 'aggregate' && !this.agg!.merge) {
      throw new ConfigError(`Window operator '${operatorName}': session windows merge accumulators, so the AggregateFunction needs a merge() method`);
    }
  }

  /** The contents after adding one record (`current` is undefined for an empty window). */
  add(current: unknown, value: unknown, timestamp: number): unknown {
    switch (this.mode) {
      case 'reduce':
        return current === undefined ? value : this.reduce!(current, value);
      case 'aggregate':
        return this.agg!.add(value, current === undefined ? this.agg!.createAccumulator() : current);
      case 'list':
        return current === undefined ? [value] : (current as unknown[]).concat([value]);
      case 'evicting': {
        const e: TimestampedValue<unknown> = { value, timestamp };
        return current === undefined ? [e] : (current as TimestampedValue<unknown>[]).concat([e]);
      }
    }
  }

  /** Contents of two windows as one (session merge). */
  merge(a: unknown, b: unknown): unknown {
    if (a === undefined) return b;
    if (b === undefined) return a;
    switch (this.mode) {
      case 'reduce':
        return this.reduce!(a, b);
      case 'aggregate':
        return this.agg!.merge!(a, b);
      default:
        return (a as unknown[]).concat(b as unknown[]);
    }
  }

  /** What the window function gets: the single result of reduce/aggregate, or all values. */
  elements(contents: unknown): unknown[] {
    switch (this.mode) {
      case 'reduce':
        return [contents];
      case 'aggregate':
        return [this.agg!.getResult(contents)];
      case 'list':
        return contents as unknown[];
      case 'evicting':
        return this.fromTimestamped(contents as TimestampedValue<unknown>[]);
    }
  }

  /** With an evictor: applies the function's reduce/aggregate to the elements that were kept. */
  private fromTimestamped(els: TimestampedValue<unknown>[]): unknown[] {
    if (this.reduce) {
      if (els.length === 0) return [];
      let r: unknown = els[0]!.value;
      for (let i = 1; i < els.length; i++) r = this.reduce(r, els[i]!.value);
      return [r];
    }
    if (this.agg) {
      if (els.length === 0) return [];
      let acc = this.agg.createAccumulator();
      for (const e of els) acc = this.agg.add(e.value, acc);
      return [this.agg.getResult(acc)];
    }
    return els.map((e) => e.value);
  }
}
