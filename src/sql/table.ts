import type { DataStream } from '../api/data-stream.js';
import { CollectSink } from '../connectors/memory/collect-sink.js';
import type { Batch } from '../core/batch.js';
import { rowKindShort, type RowKind } from '../core/row-kind.js';
import type { JobClient } from '../graph/job-executor.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { Query } from './ast.js';
import type { Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { planResult, type PlanContext } from './query-planner.js';
import { TableResult, type ChangelogEntry } from './table-result.js';

/**
 * A query's result as a relation: its columns, and ways to run it or hand it to the DataStream API.
 * Planned anew each time it is used, so one Table can feed several jobs.
 *
 * @example
 * const big = tEnv.sqlQuery('SELECT id, amount FROM orders WHERE amount > 100');
 * big.toDataStream().print();
 */
export class Table {
  /** @internal */
  constructor(
    private readonly query: Query,
    private readonly context: (env: StreamEnvironment) => PlanContext,
    /** The output columns: name, SQL type, nullability. */
    readonly columns: readonly Column[],
    private readonly env: StreamEnvironment | undefined,
    private readonly newEnv: () => StreamEnvironment,
    /** The rows are a changelog (a GROUP BY's). */
    readonly updating = false,
  ) {}

  /** The rows as a stream in the TableEnvironment's StreamEnvironment: plain objects keyed by column name. */
  toDataStream(): DataStream<Row> {
    if (!this.env) throw new Error('toDataStream needs a TableEnvironment created from a StreamEnvironment: TableEnvironment.create(env)');
    return planResult(this.query, this.context(this.env)).stream();
  }

  /** Runs the query as its own job; `collect()` gives its rows. */
  execute(): TableResult {
    let run: Promise<CollectSink<Row>> | undefined;
    const collected = () =>
      (run ??= (async () => {
        const env = this.newEnv();
        const sink = new CollectSink<Row>();
        planResult(this.query, this.context(env)).stream().sinkTo(sink);
        await env.execute('collect');
        return sink;
      })());
    const rows = async () => (await collected()).values;
    const changes = async () => {
      const { values, kinds } = await collected();
      return values.map((row, i) => ({ kind: rowKindShort(kinds[i]!), row }));
    };
    return new TableResult('SUCCESS_WITH_CONTENT', this.columns, rows, undefined, this.updating ? changes : undefined);
  }

  /**
   * Runs the query as its own job and hands its rows to `onChanges` as they arrive, a batch at a
   * time, each with its kind (`+I`, `-U`, `+U`, `-D`): what the interactive client shows while an
   * unbounded query runs. The returned client's `result` settles when the job ends; `cancel()` stops it.
   *
   * @example
   * const job = tEnv.sqlQuery('SELECT * FROM clicks').subscribe((changes) => console.log(changes.length));
   * await job.cancel();
   */
  subscribe(onChanges: (changes: ChangelogEntry[]) => void): JobClient {
    const env = this.newEnv();
    planResult(this.query, this.context(env))
      .stream()
      .sinkTo({
        name: 'Collect',
        inputChangelogMode: 'all',
        createWriter: () => ({
          write: (batch: Batch<Row>) => {
            const { values, kinds } = batch;
            const out: ChangelogEntry[] = new Array(values.length);
            for (let i = 0; i < values.length; i++) out[i] = { kind: kinds === undefined ? '+I' : rowKindShort(kinds[i] as RowKind), row: values[i]! };
            onChanges(out);
          },
        }),
      });
    return env.executeAsync('collect');
  }

  /** The plan of the query's job as JSON (see docs/architecture.md). */
  explain(): string {
    const env = this.newEnv();
    planResult(this.query, this.context(env))
      .stream()
      .sinkTo({ name: 'Collect', createWriter: () => ({ write: () => undefined }) });
    return env.explain();
  }
}
