import type { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import { SKIP_RECORD, type RecordStep, type SteppedBatch } from '../../core/source.js';
import { ChainedOperator } from '../chained-operator.js';
import { FilterOperator, type FusedMap } from './filter-operator.js';

/**
 * A source's chained filter as a {@link RecordStep}. `current` and `stage` say which record and
 * which function (1: the filter, 2: the map; 0: neither) were running when a throw came, so the
 * failure names the operator whose function threw, as the batch path does.
 */
abstract class ChainStep implements RecordStep {
  current: unknown = undefined;
  stage = 0;
  abstract apply(value: unknown): unknown;
}

class FilterStep extends ChainStep {
  constructor(private readonly filter: (v: unknown) => boolean) {
    super();
  }
  apply(value: unknown): unknown {
    this.current = value;
    this.stage = 1;
    const keep = this.filter(value);
    this.stage = 0;
    return keep ? value : SKIP_RECORD;
  }
}

class FilterMapStep extends ChainStep {
  constructor(
    private readonly filter: (v: unknown) => boolean,
    private readonly map: (v: unknown) => unknown,
  ) {
    super();
  }
  apply(value: unknown): unknown {
    this.current = value;
    this.stage = 1;
    if (!this.filter(value)) {
      this.stage = 0;
      return SKIP_RECORD;
    }
    this.stage = 2;
    const r = this.map(value);
    this.stage = 0;
    return r;
  }
}

/**
 * The filter chained right behind a source's head (and the map fused into it, see
 * `fuse-chained-map.ts`), run by the source's reader on each record as it reads it
 * (`SourceReader.pollStepped`) instead of on a batch of every record read. The operators stay in
 * the plan and count what they would have counted; their outputs receive the same batches.
 */
export class SourceChainStep {
  readonly step: ChainStep;
  private readonly map: FusedMap | undefined;

  private constructor(
    private readonly head: ChainedOperator,
    private readonly filter: ChainedOperator,
    op: FilterOperator,
  ) {
    this.map = op.fusedMap;
    this.step = this.map ? new FilterMapStep(op.fn, this.map.fn) : new FilterStep(op.fn);
  }

  /** The step for the chain behind `head`, or undefined when the operator behind it is not a filter. */
  static of(head: ChainedOperator): SourceChainStep | undefined {
    const next = head.output.next;
    if (!(next instanceof ChainedOperator) || !(next.operator instanceof FilterOperator)) return undefined;
    return new SourceChainStep(head, next, next.operator);
  }

  /** Hands what a stepped poll kept to the operator after the filter (or the fused map), counting as the batch path does. */
  push(r: SteppedBatch): void {
    const read = r.read;
    if (read === 0) return;
    this.head.metrics.recordsOut += read;
    this.filter.metrics.recordsIn += read;
    const batch: Batch<unknown> = r.batch;
    const kept = batch.values.length;
    if (kept === 0) return;
    const map = this.map;
    if (map === undefined) return this.filter.output.push(batch);
    map.filterMetrics.recordsOut += kept;
    map.metrics.recordsIn += kept;
    map.output.push(batch);
  }

  /** What a throw out of a stepped poll becomes: a failure of the operator whose function threw, or itself. */
  failure(e: unknown): unknown {
    const stage = this.step.stage;
    this.step.stage = 0;
    if (stage === 1) return new UserFunctionError(this.filter.info.name, this.step.current, e);
    if (stage === 2) return new UserFunctionError(this.map!.name, this.step.current, e);
    return e;
  }
}
