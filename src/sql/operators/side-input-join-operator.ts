import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { indexRows, joinFound, keyText, type LookupJoinParams } from './lookup-join-function.js';

/**
 * A lookup join against a table read whole (a `filesystem` side input, Nexmark q13): `open` reads
 * the table once and indexes it by key, then every probe row joins synchronously, with no request
 * per row. The table is bounded and fixed while the job runs, so there is nothing to snapshot: a
 * restored subtask reads it again.
 */
export class SideInputJoinOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private index = new Map<unknown, Row[]>();
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly p: LookupJoinParams) {}

  async open(ctx: OperatorContext<Row>): Promise<void> {
    this.ctx = ctx;
    const client = await this.p.lookup.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          this.index = indexRows(this.p, await client.lookup([]));
          break;
        } catch (e) {
          if (attempt >= this.p.options.maxRetries)
            throw new SqlError(`${ctx.operatorName}: cannot read table '${this.p.table}': ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      await client.close();
    }
  }

  processBatch(batch: Batch<Row>): void {
    const { values, timestamps } = batch;
    const none: Row[] = [];
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const key = this.p.probeKey(row);
        const found = key === null ? none : (this.index.get(keyText(key)) ?? none);
        for (const out of joinFound(this.p, row, found)) this.builder.add(out, timestamps[i]!);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlSideInputJoin` operator kind: a lookup join against a table read whole; insert-only in and out. */
export const sideInputJoinKind: OperatorFactory<LookupJoinParams> = {
  kind: 'sqlSideInputJoin',
  create: (params) => new SideInputJoinOperator(params) as Operator<unknown>,
  describe: ({ table, type }) => ({ table, joinType: type }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
