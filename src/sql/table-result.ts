import type { RowKindShort } from '../core/row-kind.js';
import type { JobClient } from '../graph/job-executor.js';
import type { Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { formatTableau } from './tableau.js';

/** One row of an updating result with its kind, as Flink's client shows it in the `op` column. */
export interface ChangelogEntry {
  readonly kind: RowKindShort;
  readonly row: Row;
}

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
    /** For an updating query (GROUP BY): its rows with their kinds. */
    private readonly changes: (() => Promise<ChangelogEntry[]>) | undefined = undefined,
  ) {}

  /** The result is a changelog (a GROUP BY's `+I`, `-U`, `+U`, `-D` rows), see {@link changelog}. */
  get updating(): boolean {
    return this.changes !== undefined;
  }

  /**
   * The rows (running a SELECT's job to its end first); values as in a row: TIMESTAMP as epoch
   * milliseconds. For an updating query, the final rows: its changelog applied in order.
   */
  async collect(): Promise<Row[]> {
    return this.changes ? applyChangelog(await this.changes()) : this.rows();
  }

  /**
   * The rows with their kinds: for an updating query its changelog as emitted, else every row as `+I`.
   *
   * @example
   * for (const { kind, row } of await tEnv.executeSql('SELECT name, COUNT(*) AS n FROM t GROUP BY name').changelog()) console.log(kind, row);
   */
  async changelog(): Promise<ChangelogEntry[]> {
    return this.changes ? this.changes() : (await this.rows()).map((row) => ({ kind: '+I', row }));
  }

  /** Waits for the statement's job, if it started one. */
  async await(): Promise<void> {
    if (this.jobClient) await this.jobClient.result;
    else if (this.kind === 'SUCCESS_WITH_CONTENT') await this.rows();
  }

  /** The rows as a boxed table (as Flink's tableau), or `OK` for a statement without rows. */
  async format(): Promise<string> {
    if (this.kind === 'SUCCESS') return 'OK\n';
    // An updating result shows each change with its kind, as Flink's client does in tableau mode.
    if (this.changes)
      return formatTableau(
        [{ name: 'op', type: { name: 'STRING' } }, ...this.columns],
        (await this.changes()).map((c) => ({ ...c.row, op: c.kind })),
      );
    return formatTableau(this.columns, await this.rows());
  }

  /** Prints {@link format} to standard output. */
  async print(): Promise<void> {
    process.stdout.write(await this.format());
  }
}

/** Applies a changelog to an empty table: `+I`/`+U` add a row, `-U`/`-D` remove one equal row. */
function applyChangelog(changes: readonly ChangelogEntry[]): Row[] {
  const table = new ChangelogTable();
  table.apply(changes);
  return table.rows();
}

/**
 * A table kept up to date from a changelog, as the SQL client's table mode shows it while a query
 * runs: `+I`/`+U` add a row, `-U`/`-D` remove one equal row.
 *
 * @example
 * const t = new ChangelogTable();
 * t.apply([{ kind: '+I', row: { a: 1 } }, { kind: '-D', row: { a: 1 } }]);
 * t.rows(); // []
 */
export class ChangelogTable {
  private readonly byValue = new Map<string, Row[]>();

  apply(changes: readonly ChangelogEntry[]): void {
    for (const { kind, row } of changes) {
      const key = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));
      const same = this.byValue.get(key);
      if (kind === '+I' || kind === '+U') {
        if (same) same.push(row);
        else this.byValue.set(key, [row]);
      } else if (same) {
        same.pop();
        if (same.length === 0) this.byValue.delete(key);
      }
    }
  }

  /** The rows now, in the order their values first appeared. */
  rows(): Row[] {
    return [...this.byValue.values()].flat();
  }
}
