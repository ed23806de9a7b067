import type { JobClient } from '../graph/job-executor.js';
import type { Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { formatTableau } from './tableau.js';

/**
 * What `executeSql` returns. DDL and SHOW/DESCRIBE have their rows at once; a SELECT runs its job
 * when the rows are asked for; an INSERT has started its job (`jobClient`).
 *
 * @example
 * const result = tEnv.executeSql('SHOW TABLES');
 * console.log(await result.collect());
 */
export class TableResult {
  constructor(
    /** `'SUCCESS'` for statements without rows (DDL, SET), else `'SUCCESS_WITH_CONTENT'`. */
    readonly kind: 'SUCCESS' | 'SUCCESS_WITH_CONTENT',
    readonly columns: readonly Column[],
    private readonly rows: () => Promise<Row[]>,
    /** The job an INSERT started. */
    readonly jobClient: JobClient | undefined = undefined,
  ) {}

  /** The rows (running a SELECT's job to its end first); values as in a row: TIMESTAMP as epoch milliseconds. */
  collect(): Promise<Row[]> {
    return this.rows();
  }

  /** Waits for the statement's job, if it started one. */
  async await(): Promise<void> {
    if (this.jobClient) await this.jobClient.result;
    else if (this.kind === 'SUCCESS_WITH_CONTENT') await this.rows();
  }

  /** The rows as a boxed table (as Flink's tableau), or `OK` for a statement without rows. */
  async format(): Promise<string> {
    if (this.kind === 'SUCCESS') return 'OK\n';
    return formatTableau(this.columns, await this.rows());
  }

  /** Prints {@link format} to standard output. */
  async print(): Promise<void> {
    process.stdout.write(await this.format());
  }
}
