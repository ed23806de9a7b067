import { Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { SqlError } from '../sql-error.js';

export type Row = Record<string, unknown>;

/** Parameters of a `sqlCalc` node: compiled once per query; `text` is what the plan shows. */
export interface CalcParams {
  /** Keeps a row when it returns true (SQL: NULL and FALSE drop it). */
  readonly condition: ((row: Row) => boolean) | undefined;
  /** The output row of an input row. */
  readonly projection: ((row: Row) => Row) | undefined;
  readonly text: { readonly where?: string; readonly select?: string };
}

/**
 * Projection and filter of a SQL query in one operator, as Flink's Calc: a row is tested, then
 * projected, in one loop over the batch. Row kinds pass through, so it works on changelogs too.
 */
export class CalcOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  constructor(private readonly params: CalcParams) {}
  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
  }
  processBatch(batch: Batch<Row>): void {
    const { values, timestamps, kinds } = batch;
    const { condition, projection } = this.params;
    const n = values.length;
    const outV = new Array<Row>(n);
    const outT = new Array<number>(n);
    const outK = kinds === undefined ? undefined : new Uint8Array(n);
    let i = 0;
    let k = 0;
    try {
      for (; i < n; i++) {
        const v = values[i]!;
        if (condition !== undefined && !condition(v)) continue;
        outV[k] = projection === undefined ? v : projection(v);
        outT[k] = timestamps[i]!;
        if (outK !== undefined) outK[k] = kinds![i]!;
        k++;
      }
    } catch (e) {
      throw new SqlError(`${this.ctx.operatorName}: ${e instanceof Error ? e.message : String(e)} (row ${snippet(values[i])})`);
    }
    if (k === 0) return;
    outV.length = outT.length = k;
    this.ctx.output.push(new Batch(outV, outT, undefined, outK === undefined ? undefined : outK.subarray(0, k)));
  }
}

/** The `sqlCalc` operator kind, registered by the SQL layer. */
export const calcKind: OperatorFactory<CalcParams> = {
  kind: 'sqlCalc',
  create: (params) => new CalcOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ ...(text.where ? { where: text.where } : {}), ...(text.select ? { select: text.select } : {}) }),
  outputChangelogMode: () => 'as-input',
};
