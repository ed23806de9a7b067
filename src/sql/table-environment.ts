import { StreamEnvironment, type EnvironmentConfig } from '../api/stream-environment.js';
import { registerOperatorKind } from '../graph/operator-registry.js';
import type { Query, Statement } from './ast.js';
import { Catalog } from './catalog.js';
import { BUILTIN_FUNCTIONS, withFunctions } from './functions/function-catalog.js';
import { checkFunctionName, userFunction, type ScalarFunction } from './functions/user-function.js';
import type { FunctionDefinition } from './functions/function-definition.js';
import { loadFunctionModule } from './functions/function-module.js';
import { aggregateFunctionEntry, type AggregateFunction } from './functions/user-aggregate-function.js';
import { tableFunctionEntry, type TableFunction } from './functions/user-table-function.js';
import { BUILTIN_NAMES } from './expression-compiler.js';
import { tokenize } from './lexer.js';
import { TokenCursor } from './token-cursor.js';
import { parseType } from './types/type-parser.js';
import { createTable, describeTable } from './ddl.js';
import type { Column } from './expression-compiler.js';
import { planInsert } from './insert-planner.js';
import { calcKind, type Row } from './operators/calc-operator.js';
import { groupAggregateKind } from './operators/group-aggregate-operator.js';
import { localGroupAggregateKind } from './operators/local-group-aggregate-operator.js';
import { joinKind } from './operators/join-operator.js';
import { windowJoinKind } from './operators/window-join-operator.js';
import { sessionWindowAggregateKind } from './operators/session-window-aggregate-operator.js';
import { outerIntervalJoinKind } from './operators/outer-interval-join-operator.js';
import { temporalJoinKind } from './operators/temporal-join-operator.js';
import { sideInputJoinKind } from './operators/side-input-join-operator.js';
import { setOpKind } from './operators/set-op-operator.js';
import { semiJoinKind } from './operators/semi-join-operator.js';
import { scalarJoinKind } from './operators/scalar-join-operator.js';
import { correlateKind } from './operators/correlate-operator.js';
import { orderingOperatorKinds } from './operators/ordering-operator-kinds.js';
import { ExplainResult, explainPlan } from './explain.js';
import { planQuery, planResult, type PlanContext } from './query-planner.js';
import { viewCheck } from './rank-planner.js';
import { SqlError } from './sql-error.js';
import { SqlSettings } from './sql-settings.js';
import { formatType, T } from './sql-types.js';
import { parseStatement } from './statement-parser.js';
import { StatementSet } from './statement-set.js';
import { Table } from './table.js';
import { TableResult } from './table-result.js';

registerOperatorKind(calcKind);
registerOperatorKind(groupAggregateKind);
registerOperatorKind(localGroupAggregateKind);
registerOperatorKind(joinKind);
registerOperatorKind(windowJoinKind);
registerOperatorKind(sessionWindowAggregateKind);
registerOperatorKind(outerIntervalJoinKind);
registerOperatorKind(temporalJoinKind);
registerOperatorKind(sideInputJoinKind);
registerOperatorKind(setOpKind);
registerOperatorKind(semiJoinKind);
registerOperatorKind(scalarJoinKind);
registerOperatorKind(correlateKind);
for (const kind of orderingOperatorKinds) registerOperatorKind(kind);

type Insert = Extract<Statement, { kind: 'insert' }>;

/** What `createTemporarySystemFunction` registers: a scalar function (a plain function or a {@link ScalarFunction}), a table function or an aggregate function. */
export type UserFunction = ScalarFunction | TableFunction | AggregateFunction | ((...args: any[]) => unknown);

const ok = () => new TableResult('SUCCESS', [], async () => []);
const rowsResult = (columns: Column[], rows: Row[]) => new TableResult('SUCCESS_WITH_CONTENT', columns, async () => rows);
/** A one-column result of names, as Flink's SHOW CATALOGS and SHOW DATABASES. */
const nameRows = (column: string, names: string[]) =>
  rowsResult(
    [{ name: column, type: T.STRING, nullable: false }],
    names.map((n) => ({ [column]: n })),
  );

/**
 * Runs Flink-dialect SQL: DDL into an in-memory catalog, queries as Tables, INSERT INTO as jobs.
 * Each job gets a StreamEnvironment of its own, configured by `create`'s config and `SET`.
 *
 * @example
 * const tEnv = TableEnvironment.create();
 * tEnv.executeSql("CREATE TABLE nums (n INT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '5')");
 * console.log(await tEnv.sqlQuery('SELECT n * 10 AS tens FROM nums WHERE n > 2').execute().collect());
 */
export class TableEnvironment {
  private readonly catalog = new Catalog();
  readonly settings = new SqlSettings();

  private constructor(
    private readonly env: StreamEnvironment | undefined,
    private readonly baseConfig: EnvironmentConfig,
  ) {}

  /**
   * A TableEnvironment. Given a StreamEnvironment, `Table.toDataStream()` adds to its graph;
   * given a configuration (or nothing), it configures the jobs SQL statements start.
   */
  static create(envOrConfig: StreamEnvironment | EnvironmentConfig = {}): TableEnvironment {
    return envOrConfig instanceof StreamEnvironment ? new TableEnvironment(envOrConfig, {}) : new TableEnvironment(undefined, envOrConfig);
  }

  /** The session's configuration (Flink's `TableConfig`): `getConfig().setLocalTimeZone('Asia/Shanghai')` is `SET 'table.local-time-zone' = ...`. */
  getConfig(): SqlSettings {
    return this.settings;
  }

  /** Runs one statement. DDL, SET and SHOW/DESCRIBE complete at once; an INSERT or a statement set starts a job. */
  executeSql(sql: string): TableResult {
    return this.executeStatement(parseStatement(sql).statement, sql);
  }

  /** A SELECT as a Table, checked now (unknown names and types fail here). */
  sqlQuery(sql: string): Table {
    const s = parseStatement(sql).statement;
    if (s.kind !== 'query') throw new SqlError(`sqlQuery expects a SELECT; run ${s.kind === 'insert' ? 'INSERT' : 'other statements'} with executeSql`);
    return this.table(s.query, sql);
  }

  /** A parsed SELECT (`sql`: the text its positions refer to) as a Table, checked now: what the SQL client runs. */
  queryTable(query: Query, sql: string): Table {
    return this.table(query, sql);
  }

  /** Plans `query` once to check it and learn its columns; the Table plans it again per run. */
  private table(query: Query, sql: string): Table {
    const { columns, updating } = planResult(query, this.context(this.newEnv(), sql));
    return new Table(
      query,
      (env) => this.context(env, sql),
      columns,
      this.env,
      () => this.newEnv(),
      updating,
    );
  }

  /**
   * Registers a function written in TypeScript under `name` (case-insensitive), before the
   * built-in functions of the same name, as Flink's temporary system functions: a scalar function
   * (a plain function with its SQL `resultType`, `'INT'`, `'DECIMAL(10, 2)'`, `'ARRAY<STRING>'`,
   * ..., or a {@link ScalarFunction}), a table function ({@link tableFunction}, called in FROM as
   * `LATERAL TABLE(name(...))`) or an aggregate function ({@link aggregateFunction}, in GROUP BY
   * queries and window aggregations). At parallelism > 1 every slot runs the job module again, so
   * register functions where the module builds its queries.
   *
   * @example
   * tEnv.createTemporarySystemFunction('count_char', (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1), 'INT');
   * tEnv.sqlQuery("SELECT count_char(url, '/') FROM bid");
   */
  createTemporarySystemFunction(name: string, fn: UserFunction, resultType?: string): void {
    this.catalog.functions.register(this.userFunction(name, fn, resultType), true);
  }

  /** As `createTemporarySystemFunction`, in the catalog: a built-in function of the same name comes first, as in Flink. */
  createTemporaryFunction(name: string, fn: UserFunction, resultType?: string): void {
    this.catalog.functions.register(this.userFunction(name, fn, resultType), false);
  }

  dropTemporarySystemFunction(name: string): boolean {
    return this.catalog.functions.drop(name, true);
  }

  dropTemporaryFunction(name: string): boolean {
    return this.catalog.functions.drop(name, false);
  }

  /** The functions registered from TypeScript, lower case, sorted (SHOW USER FUNCTIONS). */
  listUserDefinedFunctions(): string[] {
    return this.catalog.functions.userFunctionNames();
  }

  /** Every function a query may call, lower case, sorted (SHOW FUNCTIONS). */
  listFunctions(): string[] {
    return [...new Set([...BUILTIN_NAMES, ...BUILTIN_FUNCTIONS.keys()].map((n) => n.toLowerCase()).concat(this.listUserDefinedFunctions()))].sort();
  }

  private userFunction(name: string, fn: UserFunction, resultType: string | undefined): FunctionDefinition {
    checkFunctionName(name);
    const typeOf = (text: string, what: string) => {
      const c = new TokenCursor(tokenize(text), text);
      const type = parseType(c);
      if (c.peek().type !== 'eof') c.fail(`Expected the end of the type of ${what}`);
      return type;
    };
    if (typeof fn !== 'function' && 'kind' in fn && fn.kind === 'table') {
      const entries = Object.entries(fn.columns);
      if (entries.length === 0) throw new SqlError(`Table function '${name}' declares no columns`);
      const columns = entries.map(([col, type]) => ({ name: col, type: typeOf(type, `column '${col}' of table function '${name}'`), nullable: true }));
      return tableFunctionEntry({ name, fn, columns });
    }
    if (typeof fn !== 'function' && 'kind' in fn && fn.kind === 'aggregate')
      return aggregateFunctionEntry({ name, fn, resultType: typeOf(fn.resultType, `aggregate function '${name}'`) });
    const def: ScalarFunction = typeof fn === 'function' ? { eval: fn, resultType: resultType ?? 'STRING' } : fn;
    return userFunction(name, def, typeOf(resultType ?? def.resultType, `function '${name}'`));
  }

  /** Names of the tables and views, sorted. */
  listTables(): string[] {
    return this.catalog.names();
  }

  /**
   * Runs a parsed statement; `sql` is the text its positions refer to. With `jobModule`, a job the
   * statement starts runs its parallel subtasks in worker-thread slots, each of which imports that
   * module to rebuild the same plan from the same SQL (what `weir sql -f` does).
   */
  executeStatement(s: Statement, sql: string, jobModule?: string): TableResult {
    switch (s.kind) {
      case 'createTable':
        withFunctions(this.catalog.functions, () => createTable(s, this.catalog, sql));
        return ok();
      case 'createView': {
        const name = this.catalog.objectName(s.name, sql);
        planQuery(viewCheck(s.query), this.context(this.newEnv(), sql)); // checks the query now, as Flink does
        this.catalog.add({ kind: 'view', name, temporary: s.temporary, query: s.query, text: s.text, sql }, s.ifNotExists, s.name, sql);
        return ok();
      }
      case 'drop':
        this.catalog.drop(s.what, s.name, s.ifExists, sql);
        return ok();
      case 'createFunction': {
        // TEMPORARY SYSTEM functions come before the built-in ones; others after, as Flink's catalog functions.
        const name = s.name.parts[s.name.parts.length - 1]!;
        if (s.ifNotExists && this.catalog.functions.has(name, s.system)) return ok();
        const fn = loadFunctionModule(s.identifier, s.pos, sql);
        try {
          this.catalog.functions.register(this.userFunction(name, fn, undefined), s.system);
        } catch (err) {
          throw new SqlError(err instanceof Error ? err.message : String(err), s.name.pos, sql);
        }
        return ok();
      }
      case 'dropFunction': {
        const name = s.name.parts[s.name.parts.length - 1]!;
        if (!this.catalog.functions.drop(name, s.system) && !s.ifExists)
          throw new SqlError(`${s.system ? 'Temporary system function' : 'Function'} '${name}' does not exist`, s.name.pos, sql);
        return ok();
      }
      case 'showTables':
        return rowsResult(
          [{ name: 'table name', type: T.STRING, nullable: false }],
          this.catalog.names().map((n) => ({ 'table name': n })),
        );
      case 'createCatalog':
        this.catalog.createCatalog(s.name, s.options, s.ifNotExists, s.pos, sql);
        return ok();
      case 'dropCatalog':
        this.catalog.dropCatalog(s.name, s.ifExists, s.pos, sql);
        return ok();
      case 'useCatalog':
        this.catalog.useCatalog(s.name, s.pos, sql);
        return ok();
      case 'useDatabase':
        this.catalog.useDatabase(s.name, sql);
        return ok();
      case 'showCatalogs':
        return nameRows('catalog name', this.catalog.catalogNames());
      case 'showDatabases':
        return nameRows('database name', this.catalog.databaseNames());
      case 'showCurrent':
        return nameRows(`current ${s.what.toLowerCase()} name`, [s.what === 'CATALOG' ? this.catalog.currentCatalog() : this.catalog.currentDatabase()]);
      case 'showFunctions':
        return rowsResult(
          [{ name: 'function name', type: T.STRING, nullable: false }],
          (s.user ? this.listUserDefinedFunctions() : this.listFunctions()).map((n) => ({ 'function name': n })),
        );
      case 'describe': {
        const entry = this.catalog.lookup(s.name, sql);
        if (entry.kind === 'table') {
          const { columns, rows } = describeTable(entry);
          return rowsResult(columns, rows);
        }
        const planned = planQuery(entry.query, this.context(this.newEnv(), entry.sql));
        return rowsResult(
          [
            { name: 'name', type: T.STRING, nullable: false },
            { name: 'type', type: T.STRING, nullable: false },
            { name: 'null', type: T.BOOLEAN, nullable: false },
          ],
          planned.columns.map((c) => ({ name: c.name, type: formatType(c.type), null: c.nullable })),
        );
      }
      case 'set':
        if (s.key === undefined)
          return rowsResult(
            [
              { name: 'key', type: T.STRING, nullable: false },
              { name: 'value', type: T.STRING, nullable: false },
            ],
            this.settings.entries().map(([key, value]) => ({ key, value })),
          );
        this.settings.set(s.key, s.value!, s.pos, sql);
        return ok();
      case 'reset':
        this.settings.reset(s.key);
        return ok();
      case 'insert':
        return this.executeInserts([{ insert: s, sql }], jobModule);
      case 'statementSet':
        return this.executeInserts(
          s.inserts.map((insert) => ({ insert, sql })),
          jobModule,
        );
      case 'query':
        return this.table(s.query, sql).execute();
      case 'explain': {
        const env = this.newEnv();
        const t = s.target;
        if (t.kind === 'insert') planInsert(t, this.context(env, sql));
        else if (t.kind === 'statementSet') for (const insert of t.inserts) planInsert(insert, this.context(env, sql));
        else
          planResult(t.query, this.context(env, sql))
            .stream()
            .sinkTo({ name: 'Collect', inputChangelogMode: 'all', createWriter: () => ({ write: () => undefined }) });
        return new ExplainResult(explainPlan(env));
      }
    }
  }

  /**
   * Plans several INSERTs (each with the text its positions refer to) into one job with a sink per
   * INSERT, and starts it: a statement set. Used by `EXECUTE STATEMENT SET` and {@link StatementSet}.
   */
  executeInserts(inserts: readonly { insert: Insert; sql: string }[], jobModule?: string): TableResult {
    const env = this.newEnv(jobModule);
    const targets = inserts.map(({ insert, sql }) => planInsert(insert, this.context(env, sql)));
    const name = this.settings.get('pipeline.name') ?? `insert-into_${targets.join(',')}`;
    return new TableResult('SUCCESS', [], async () => [], env.executeAsync(name));
  }

  /** The EXPLAIN text of several INSERTs planned as one job (a statement set). */
  explainInserts(inserts: readonly { insert: Insert; sql: string }[]): string {
    const env = this.newEnv();
    for (const { insert, sql } of inserts) planInsert(insert, this.context(env, sql));
    return explainPlan(env);
  }

  /**
   * A statement set: INSERTs added one by one that `execute()` runs as one job with a sink each.
   *
   * @example
   * await tEnv.createStatementSet().addInsertSql('INSERT INTO a SELECT * FROM src').addInsertSql('INSERT INTO b SELECT * FROM src').execute().await();
   */
  createStatementSet(): StatementSet {
    return new StatementSet(this);
  }

  private context(env: StreamEnvironment, sql: string): PlanContext {
    const batch = this.settings.get('execution.runtime-mode') === 'batch';
    // Batch operators keep state only until their input ends: the TTL is for streaming, as in Flink.
    return {
      env,
      catalog: this.catalog,
      sql,
      stateTtl: batch ? 0 : this.settings.stateTtl(),
      miniBatch: this.settings.miniBatch(),
      batch,
      timeZone: this.settings.localTimeZone(),
    };
  }

  /**
   * The environment of one job. Without a job module that rebuilds the plan from the SQL text, all
   * subtasks run in this thread: a slot worker could not rebuild a plan made from a string.
   */
  private newEnv(jobModule?: string): StreamEnvironment {
    const slots = jobModule ? { jobModule } : { slotMode: 'single-thread' as const };
    return StreamEnvironment.create({ ...this.baseConfig, ...this.settings.engineConfig(), ...slots });
  }
}
