import { Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { valueState, type ValueState } from '../../core/state.js';
import type { Row } from './calc-operator.js';

/** Parameters of a `sqlLimit` node: `LIMIT n` without ORDER BY. */
export interface LimitParams {
  readonly limit: number;
}

/**
 * `LIMIT n` without ORDER BY in streaming, as Flink's Limit: the first n rows to arrive pass, every
 * later one is left out (that is what LIMIT asks for). All rows go to one subtask (the planner
 * keys them by a constant); the count is keyed state, so it survives a restore. Insert-only.
 */
export class LimitOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<number>;
  constructor(private readonly params: LimitParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<number>('limit'));
  }

  processBatch(batch: Batch<Row>): void {
    if (batch.values.length === 0) return;
    this.ctx.keyed!.setCurrentKey(batch.keys![0]);
    const seen = this.state.value() ?? 0;
    const take = Math.min(this.params.limit - seen, batch.values.length);
    if (take <= 0) return;
    this.state.update(seen + take);
    this.ctx.output.push(new Batch(batch.values.slice(0, take), batch.timestamps.slice(0, take)));
  }
}

/** The `sqlLimit` operator kind, registered by the SQL layer. */
export const limitKind: OperatorFactory<LimitParams> = {
  kind: 'sqlLimit',
  create: (params) => new LimitOperator(params) as Operator<unknown>,
  describe: ({ limit }) => ({ limit }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
