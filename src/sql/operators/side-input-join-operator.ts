import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { SqlError } from '../sql-error.js';
import type { LookupClient } from '../connectors/table-connector.js';
import type { Row } from './calc-operator.js';
import { indexRows, joinFound, keyText, type LookupJoinParams } from './lookup-join-function.js';

/**
 * A lookup join against a table read whole (a `filesystem` side input, Nexmark q13, or a `jdbc`
 * table with `'lookup.cache' = 'FULL'`): `open` reads the table once and indexes it by key, then
 * every probe row joins synchronously, with no request per row. With a full cache's periodic
 * reload the table is read again in the background and the new index replaces the old one between
 * batches. Nothing is snapshotted: a restored subtask reads the table again.
 */
export class SideInputJoinOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private index = new Map<unknown, Row[]>();
  private readonly builder = new BatchBuilder<Row>();
  private client: LookupClient | undefined;
  private cancelReload: (() => void) | undefined;
  private reloading: Promise<void> | undefined;
  private closed = false;
  constructor(private readonly p: LookupJoinParams) {}

  async open(ctx: OperatorContext<Row>): Promise<void> {
    this.ctx = ctx;
    const client = await this.p.lookup.connect();
    const started = ctx.clock.now();
    try {
      this.index = await this.load(client);
    } catch (e) {
      await client.close();
      throw e;
    }
    if (this.p.options.full === undefined) return client.close();
    this.client = client;
    this.scheduleReload(started);
  }

  /** The next reload, `reloadInterval` after the last load's start (FIXED_RATE) or end (FIXED_DELAY). */
  private scheduleReload(lastStart: number): void {
    const { reloadInterval, fixedRate } = this.p.options.full!;
    const clock = this.ctx.clock;
    this.cancelReload = clock.schedule((fixedRate ? lastStart : clock.now()) + reloadInterval, () => {
      this.cancelReload = undefined;
      const started = clock.now();
      this.reloading = this.load(this.client!).then(
        (index) => {
          this.reloading = undefined;
          if (this.closed) return;
          this.index = index;
          this.ctx.metrics.inc('lookupCacheReloads');
          this.scheduleReload(started);
        },
        (e: unknown) => {
          this.reloading = undefined;
          if (!this.closed) this.ctx.fail(e);
        },
      );
    });
  }

  /** The whole table, indexed by key; a failed read is retried `lookup.max-retries` times. */
  private async load(client: LookupClient): Promise<Map<unknown, Row[]>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return indexRows(this.p, await client.lookup([]));
      } catch (e) {
        if (attempt >= this.p.options.maxRetries)
          throw new SqlError(`${this.ctx.operatorName}: cannot read table '${this.p.table}': ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelReload?.();
    this.cancelReload = undefined;
    await this.reloading?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.close();
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
