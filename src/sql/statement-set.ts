import type { Statement } from './ast.js';
import { SqlError } from './sql-error.js';
import { parseStatement } from './statement-parser.js';
import type { TableEnvironment } from './table-environment.js';
import type { TableResult } from './table-result.js';

type Insert = Extract<Statement, { kind: 'insert' }>;

/**
 * Several INSERTs that run as one job, one sink each (Flink's `StatementSet`): what
 * `EXECUTE STATEMENT SET BEGIN ... END` does in SQL. Each INSERT is checked when it is added.
 *
 * @example
 * const set = tEnv.createStatementSet();
 * set.addInsertSql('INSERT INTO big SELECT * FROM orders WHERE amount > 100');
 * set.addInsertSql('INSERT INTO small SELECT * FROM orders WHERE amount <= 100');
 * await set.execute().await();
 */
export class StatementSet {
  private readonly inserts: { insert: Insert; sql: string }[] = [];

  /** Made by {@link TableEnvironment.createStatementSet}. */
  constructor(private readonly tEnv: TableEnvironment) {}

  /** Adds one `INSERT INTO ... SELECT ...`; unknown tables and columns fail here, as they would at execute. */
  addInsertSql(sql: string): this {
    const s = parseStatement(sql).statement;
    if (s.kind !== 'insert') throw new SqlError(`A statement set takes only INSERT statements, not ${s.kind === 'query' ? 'SELECT' : 'this statement'}`);
    this.tEnv.explainInserts([{ insert: s, sql }]); // plans it once to check it now
    this.inserts.push({ insert: s, sql });
    return this;
  }

  /** The plan of the one job the INSERTs make, as EXPLAIN STATEMENT SET prints it. */
  explain(): string {
    this.checkNotEmpty();
    return this.tEnv.explainInserts(this.inserts);
  }

  /** Starts the one job; its `jobClient` reports it and `await()` waits for it. The set is emptied, as Flink's is. */
  execute(): TableResult {
    this.checkNotEmpty();
    const result = this.tEnv.executeInserts(this.inserts);
    this.inserts.length = 0;
    return result;
  }

  private checkNotEmpty(): void {
    if (this.inserts.length === 0) throw new SqlError('The statement set is empty: add an INSERT with addInsertSql first');
  }
}
