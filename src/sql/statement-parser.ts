import type {
  ColumnDef,
  CommonTable,
  Expr,
  JoinRef,
  Name,
  OverWindow,
  ParsedStatement,
  Query,
  SelectItem,
  SetOp,
  Statement,
  SubqueryRef,
  TableRef,
  WindowTvf,
} from './ast.js';
import { parseJoins } from './join-parser.js';
import { ExpressionParser, RESERVED } from './expression-parser.js';
import { OverClauseParser } from './over-clause-parser.js';
import { tokenize } from './lexer.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import { TokenCursor } from './token-cursor.js';

/**
 * Parses a script of `;`-separated statements in Flink's dialect. Syntax errors carry the line,
 * the column and a caret under the offending token.
 *
 * @example
 * parseScript("CREATE TABLE t (a INT) WITH ('connector' = 'datagen'); SELECT a FROM t;")
 */
export function parseScript(sql: string): ParsedStatement[] {
  const c = new TokenCursor(tokenize(sql), sql);
  const p = new StatementParser(c);
  const out: ParsedStatement[] = [];
  for (;;) {
    while (c.acceptOp(';'));
    if (c.peek().type === 'eof') return out;
    out.push({ statement: p.statement(), text: sql });
    if (c.peek().type !== 'eof' && !c.isOp(';')) c.fail("Expected ';' or the end of the statement");
  }
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseStatement(sql: string): ParsedStatement {
  const all = parseScript(sql);
  if (all.length !== 1) throw new SqlError(`Expected one statement, found ${all.length}`);
  return all[0]!;
}

/** Clauses of later slices: recognised so the error names them instead of a syntax error. */
const LATER_CLAUSES: Record<string, string> = { OFFSET: 'OFFSET', FETCH: 'FETCH' };
const JOINS = new Set(['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS']);
const WINDOW_TVFS = new Set(['TUMBLE', 'HOP', 'CUMULATE', 'SESSION']);

/**
 * `left op right`: a chain of UNION ALL stays one node with branches (what the union planner
 * merges in one step); every other set operation is a node of its own.
 */
function combine(op: SetOp['op'], all: boolean, left: Query, right: Query): Query {
  if (op === 'UNION' && all && left.setOp === undefined && !left.orderBy && !left.limit) return { ...left, unionAll: [...(left.unionAll ?? []), right] };
  return { kind: 'select', items: left.items, from: undefined, where: undefined, unsupported: [], pos: left.pos, setOp: { op, all, left, right } };
}

class StatementParser {
  private readonly e: ExpressionParser;
  constructor(private readonly c: TokenCursor) {
    this.e = new ExpressionParser(c, () => this.query());
  }

  statement(): Statement {
    const c = this.c;
    const t = c.peek();
    // `(SELECT ...) UNION (SELECT ...)`: a query may start with a parenthesized operand.
    if (c.isOp('(')) return { kind: 'query', query: this.query() };
    if (t.type !== 'ident') c.fail('Expected a statement');
    switch (t.upper) {
      case 'CREATE':
        return this.create();
      case 'DROP':
        return this.drop();
      case 'SHOW':
        c.next();
        if (c.acceptKeyword('TABLES')) return { kind: 'showTables' };
        if (c.acceptKeyword('CATALOGS')) return { kind: 'showCatalogs' };
        if (c.acceptKeyword('DATABASES')) return { kind: 'showDatabases' };
        if (c.acceptKeyword('CURRENT', 'CATALOG')) return { kind: 'showCurrent', what: 'CATALOG' };
        if (c.acceptKeyword('CURRENT', 'DATABASE')) return { kind: 'showCurrent', what: 'DATABASE' };
        if (c.acceptKeyword('FUNCTIONS')) return { kind: 'showFunctions', user: false };
        if (c.acceptKeyword('USER', 'FUNCTIONS')) return { kind: 'showFunctions', user: true };
        return this.unsupported(`SHOW ${c.peek().value.toUpperCase()}`, c.peek().pos);
      case 'DESCRIBE':
      case 'DESC':
        c.next();
        return { kind: 'describe', name: this.name() };
      case 'SET':
        return this.set();
      case 'RESET': {
        c.next();
        const key = c.peek().type === 'string' ? c.next().value : undefined;
        return { kind: 'reset', key, pos: t.pos };
      }
      case 'INSERT':
        return this.insert();
      case 'SELECT':
      case 'WITH':
      case 'VALUES':
        return { kind: 'query', query: this.query() };
      case 'EXPLAIN': {
        c.next();
        c.acceptKeyword('PLAN', 'FOR');
        const target = c.isKeyword('INSERT')
          ? (this.insert() as Extract<Statement, { kind: 'insert' }>)
          : c.isKeyword('SELECT') || c.isKeyword('WITH') || c.isKeyword('VALUES') || c.isOp('(')
            ? ({ kind: 'query', query: this.query() } as const)
            : c.isKeyword('STATEMENT') || c.isKeyword('EXECUTE')
              ? this.statementSet()
              : c.fail('Expected SELECT, INSERT or STATEMENT SET after EXPLAIN');
        return { kind: 'explain', target };
      }
      case 'EXECUTE':
        if (c.isKeyword('STATEMENT', 1)) return this.statementSet();
        return this.unsupported('EXECUTE', t.pos);
      case 'BEGIN':
        return this.statementSet();
      case 'USE':
        c.next();
        if (c.acceptKeyword('CATALOG')) return { kind: 'useCatalog', name: c.identifier('a catalog name'), pos: t.pos };
        if (c.isKeyword('MODULES')) return this.unsupported('USE MODULES', c.peek().pos);
        return { kind: 'useDatabase', name: this.name() };
      case 'ALTER':
      case 'LOAD':
        return this.unsupported(t.upper, t.pos);
      default:
        return c.fail('Expected a statement (CREATE, DROP, SHOW, DESCRIBE, USE, SET, RESET, INSERT or SELECT)');
    }
  }

  /**
   * `[EXECUTE] STATEMENT SET BEGIN INSERT ...; ... END` or Flink's older `BEGIN STATEMENT SET; INSERT ...; END`:
   * only INSERTs, at least one, each ended by `;`.
   */
  private statementSet(): Extract<Statement, { kind: 'statementSet' }> {
    const c = this.c;
    const pos = c.peek().pos;
    if (c.acceptKeyword('BEGIN')) {
      c.expectKeyword('STATEMENT', 'SET');
      c.expectOp(';');
    } else {
      c.acceptKeyword('EXECUTE');
      c.expectKeyword('STATEMENT', 'SET');
      c.expectKeyword('BEGIN');
    }
    const inserts: Extract<Statement, { kind: 'insert' }>[] = [];
    for (;;) {
      while (c.acceptOp(';'));
      if (c.isKeyword('END')) break;
      if (!c.isKeyword('INSERT')) c.fail(inserts.length === 0 ? 'Expected INSERT in the statement set' : 'Expected INSERT or END in the statement set');
      inserts.push(this.insert() as Extract<Statement, { kind: 'insert' }>);
      if (!c.isKeyword('END')) c.expectOp(';');
    }
    if (inserts.length === 0) c.fail('A statement set needs at least one INSERT before END');
    c.next();
    return { kind: 'statementSet', inserts, pos };
  }

  private unsupported(what: string, pos: SqlPosition): never {
    throw new SqlError(`${what} is not supported yet`, pos, this.c.sql);
  }

  private name(): Name {
    const pos = this.c.peek().pos;
    const parts = [this.c.identifier('a table name')];
    while (this.c.acceptOp('.')) parts.push(this.c.identifier('a table name'));
    return { parts, pos };
  }

  private create(): Statement {
    const c = this.c;
    c.next();
    const temporary = c.acceptKeyword('TEMPORARY');
    const system = temporary && c.acceptKeyword('SYSTEM');
    if (c.isKeyword('FUNCTION')) return this.createFunction(system);
    if (system) return c.fail('Expected FUNCTION after TEMPORARY SYSTEM');
    if (c.acceptKeyword('TABLE')) return this.createTable(temporary);
    if (c.acceptKeyword('VIEW')) {
      const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
      const name = this.name();
      c.expectKeyword('AS');
      const start = c.peek().pos.offset;
      const query = this.query();
      return { kind: 'createView', name, ifNotExists, temporary, query, text: c.sql.slice(start, c.peek().pos.offset).trim() };
    }
    if (c.acceptKeyword('CATALOG')) {
      const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
      const pos = c.peek().pos;
      const name = c.identifier('a catalog name');
      c.expectKeyword('WITH');
      return { kind: 'createCatalog', name, ifNotExists, options: this.options(), pos };
    }
    if (c.isKeyword('DATABASE')) return this.unsupported(`CREATE ${c.peek().upper}`, c.peek().pos);
    return c.fail('Expected TABLE or VIEW');
  }

  /** `FUNCTION [IF NOT EXISTS] name AS 'module#export' [LANGUAGE JAVASCRIPT|TYPESCRIPT]`: a function from a JavaScript module. */
  private createFunction(system: boolean): Statement {
    const c = this.c;
    const pos = c.next().pos;
    const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
    const name = this.name();
    c.expectKeyword('AS');
    const identifier = c.string("a module and its export, such as './functions.js#split'");
    if (c.acceptKeyword('LANGUAGE')) {
      const lang = c.peek();
      const language = c.identifier('a language');
      if (!['JAVASCRIPT', 'TYPESCRIPT'].includes(language.toUpperCase()))
        throw new SqlError(
          `LANGUAGE ${language.toUpperCase()} is not supported: Weir loads functions from JavaScript or TypeScript modules (LANGUAGE JAVASCRIPT or TYPESCRIPT)`,
          lang.pos,
          c.sql,
        );
    }
    if (c.isKeyword('USING')) return this.unsupported('CREATE FUNCTION ... USING JAR', c.peek().pos);
    return { kind: 'createFunction', name, ifNotExists, system, identifier, pos };
  }

  private createTable(temporary: boolean): Statement {
    const c = this.c;
    const ifNotExists = c.acceptKeyword('IF', 'NOT', 'EXISTS');
    const name = this.name();
    c.expectOp('(');
    const columns: ColumnDef[] = [];
    let watermark: { column: string; expr: Expr; pos: SqlPosition } | undefined;
    let primaryKey: string[] | undefined;
    do {
      const t = c.peek();
      if (c.isKeyword('WATERMARK')) {
        c.next();
        c.expectKeyword('FOR');
        const column = c.identifier('a column name');
        c.expectKeyword('AS');
        watermark = { column, expr: this.e.expression(), pos: t.pos };
      } else if (c.isKeyword('PRIMARY') || c.isKeyword('CONSTRAINT')) {
        if (c.acceptKeyword('CONSTRAINT')) c.identifier('a constraint name');
        c.expectKeyword('PRIMARY', 'KEY');
        primaryKey = this.identList();
        this.notEnforced();
      } else columns.push(this.column(primaryKey, (k) => (primaryKey = k)));
    } while (c.acceptOp(','));
    c.expectOp(')');
    if (c.isKeyword('COMMENT')) {
      c.next();
      c.string();
    }
    let partitionKeys: string[] = [];
    if (c.acceptKeyword('PARTITIONED')) {
      c.expectKeyword('BY');
      partitionKeys = this.identList();
    }
    const optionsPos = c.peek().pos;
    const options = c.acceptKeyword('WITH') ? this.options() : new Map<string, string>();
    return { kind: 'createTable', name, ifNotExists, temporary, columns, watermark, primaryKey, partitionKeys, options, optionsPos };
  }

  private notEnforced(): void {
    if (!this.c.acceptKeyword('NOT', 'ENFORCED')) this.c.fail('Weir does not enforce primary keys: expected NOT ENFORCED');
  }

  private column(_pk: string[] | undefined, setPk: (k: string[]) => void): ColumnDef {
    const c = this.c;
    const pos = c.peek().pos;
    const name = c.identifier('a column name');
    if (c.acceptKeyword('AS')) return { name, type: undefined, notNull: false, computed: this.e.expression(), pos };
    const type = this.e.type();
    let notNull = false;
    for (;;) {
      if (c.acceptKeyword('NOT', 'NULL')) notNull = true;
      else if (c.acceptKeyword('NULL')) notNull = false;
      else if (c.acceptKeyword('PRIMARY', 'KEY')) {
        this.notEnforced();
        setPk([name]);
      } else if (c.acceptKeyword('METADATA')) {
        const key = c.acceptKeyword('FROM') ? c.string("a metadata key such as 'op_ts'") : name;
        return { name, type, notNull, computed: undefined, metadata: { key, virtual: c.acceptKeyword('VIRTUAL') }, pos };
      } else if (c.acceptKeyword('COMMENT')) c.string();
      else break;
    }
    return { name, type, notNull, computed: undefined, pos };
  }

  private identList(): string[] {
    this.c.expectOp('(');
    const names = [this.c.identifier('a column name')];
    while (this.c.acceptOp(',')) names.push(this.c.identifier('a column name'));
    this.c.expectOp(')');
    return names;
  }

  private options(): Map<string, string> {
    const c = this.c;
    const options = new Map<string, string>();
    c.expectOp('(');
    do {
      const key = c.string("an option key such as 'connector'");
      c.expectOp('=');
      options.set(key, c.string('an option value (a string literal)'));
    } while (c.acceptOp(','));
    c.expectOp(')');
    return options;
  }

  private drop(): Statement {
    const c = this.c;
    c.next();
    const temporary = c.acceptKeyword('TEMPORARY');
    const system = temporary && c.acceptKeyword('SYSTEM');
    const w = c.peek();
    if (c.acceptKeyword('FUNCTION')) {
      const ifExists = c.acceptKeyword('IF', 'EXISTS');
      return { kind: 'dropFunction', name: this.name(), ifExists, system, pos: w.pos };
    }
    if (system) return c.fail('Expected FUNCTION after TEMPORARY SYSTEM');
    if (c.acceptKeyword('CATALOG')) {
      const ifExists = c.acceptKeyword('IF', 'EXISTS');
      const pos = c.peek().pos;
      return { kind: 'dropCatalog', name: c.identifier('a catalog name'), ifExists, pos };
    }
    if (!c.acceptKeyword('TABLE') && !c.acceptKeyword('VIEW')) {
      if (w.type === 'ident' && ['DATABASE'].includes(w.upper)) return this.unsupported(`DROP ${w.upper}`, w.pos);
      return c.fail('Expected TABLE or VIEW');
    }
    const ifExists = c.acceptKeyword('IF', 'EXISTS');
    return { kind: 'drop', what: w.upper as 'TABLE' | 'VIEW', name: this.name(), ifExists };
  }

  private set(): Statement {
    const c = this.c;
    const pos = c.next().pos;
    if (c.peek().type === 'eof' || c.isOp(';')) return { kind: 'set', key: undefined, value: undefined, pos };
    const key = c.string("a quoted key such as 'parallelism.default'");
    c.expectOp('=');
    return { kind: 'set', key, value: c.string('a quoted value'), pos };
  }

  private insert(): Statement {
    const c = this.c;
    c.next();
    const overwrite = c.acceptKeyword('OVERWRITE');
    if (!overwrite) c.expectKeyword('INTO');
    const table = this.name();
    if (c.isKeyword('PARTITION')) return this.unsupported('INSERT ... PARTITION', c.peek().pos);
    const columns = c.isOp('(') ? this.identList() : undefined;
    return { kind: 'insert', table, columns, query: this.query(), overwrite };
  }

  /** A SELECT or a set operation of SELECTs, with ORDER BY and LIMIT; clauses of later slices are recorded, not parsed. */
  query(): Query {
    const c = this.c;
    const ctes = c.acceptKeyword('WITH') ? this.commonTables() : undefined;
    let head = this.setTerm();
    while (c.isKeyword('UNION') || c.isKeyword('EXCEPT')) {
      const op = c.next().upper as 'UNION' | 'EXCEPT';
      const all = this.setQuantifier();
      head = combine(op, all, head, this.setTerm());
    }
    const orderBy = c.acceptKeyword('ORDER', 'BY') ? new OverClauseParser(c, () => this.e.expression()).orderItems() : undefined;
    let limit: Query['limit'];
    if (c.isKeyword('LIMIT')) {
      const pos = c.next().pos;
      const n = c.peek();
      if (n.type !== 'number' || !/^\d+$/.test(n.value)) c.fail('Expected a row count after LIMIT');
      limit = { count: Number(c.next().value), pos };
    }
    const unsupported = head.unsupported as { clause: string; pos: SqlPosition }[];
    const plain = head.setOp === undefined && head.unionAll === undefined;
    // Later clauses: skip their tokens to the end of the statement so the error names the first one.
    for (let t = c.peek(); t.type !== 'eof' && !(t.type === 'op' && (t.value === ';' || t.value === ')')); t = c.peek()) {
      if (t.type === 'ident' && LATER_CLAUSES[t.upper] && !unsupported.some((u) => u.clause === LATER_CLAUSES[t.upper]))
        unsupported.push({ clause: LATER_CLAUSES[t.upper]!, pos: t.pos });
      else if (unsupported.length === 0)
        c.fail(
          !plain
            ? 'Expected ORDER BY, LIMIT or the end of the statement'
            : head.from
              ? head.where || head.groupBy || head.having || orderBy || limit
                ? 'Expected the end of the statement'
                : 'Expected WHERE, GROUP BY or the end of the statement'
              : 'Expected FROM',
        );
      c.next();
    }
    return { ...head, ...(orderBy ? { orderBy } : {}), ...(limit ? { limit } : {}), ...(ctes ? { with: ctes } : {}) };
  }

  /** `name [(col, ...)] AS (query), ...` after WITH; RECURSIVE is refused by name. */
  private commonTables(): CommonTable[] {
    const c = this.c;
    if (c.isKeyword('RECURSIVE')) this.unsupported('WITH RECURSIVE', c.peek().pos);
    const out: CommonTable[] = [];
    do {
      const pos = c.peek().pos;
      const name = c.identifier('a name for the WITH query');
      const columnNames = c.isOp('(') ? this.identList() : undefined;
      c.expectKeyword('AS');
      c.expectOp('(');
      const start = c.peek().pos.offset;
      const query = this.query();
      const text = c.sql.slice(start, c.peek().pos.offset).trim();
      c.expectOp(')');
      out.push({ name, query: columnNames ? { ...query, columnNames } : query, text, pos });
    } while (c.acceptOp(','));
    return out;
  }

  /** `VALUES (a, b), (c, d)` (also `ROW(a, b)`, and a bare value for a row of one column). */
  private values(): Query {
    const c = this.c;
    const pos = c.next().pos;
    const rows: Expr[][] = [];
    do {
      const rowConstructor = c.isKeyword('ROW') && c.isOp('(', 1);
      if (rowConstructor) c.next();
      if (c.acceptOp('(')) {
        const row = [this.e.expression()];
        while (c.acceptOp(',')) row.push(this.e.expression());
        c.expectOp(')');
        rows.push(row);
      } else rows.push([this.e.expression()]);
    } while (c.acceptOp(','));
    const width = rows[0]!.length;
    if (rows.some((r) => r.length !== width)) throw new SqlError(`The rows of VALUES must have as many values each (the first has ${width})`, pos, c.sql);
    return { kind: 'select', items: [], from: undefined, where: undefined, values: rows, unsupported: [], pos };
  }

  /** Operands joined by INTERSECT, which binds tighter than UNION and EXCEPT. */
  private setTerm(): Query {
    let q = this.setOperand();
    while (this.c.acceptKeyword('INTERSECT')) q = combine('INTERSECT', this.setQuantifier(), q, this.setOperand());
    return q;
  }

  /** `ALL` or `DISTINCT` (the default) after a set operator. */
  private setQuantifier(): boolean {
    if (this.c.acceptKeyword('ALL')) return true;
    this.c.acceptKeyword('DISTINCT');
    return false;
  }

  /** A SELECT, or a whole query in parentheses: `(SELECT ... UNION SELECT ...) EXCEPT SELECT ...`. */
  private setOperand(): Query {
    if (this.c.isKeyword('VALUES')) return this.values();
    if (!this.c.isOp('(')) return this.select();
    this.c.next();
    const q = this.query();
    this.c.expectOp(')');
    return q;
  }

  /** SELECT items FROM source [WHERE cond] [GROUP BY ...] [HAVING cond] [WINDOW w AS (...)]. */
  private select(): Query {
    const c = this.c;
    const pos = c.peek().pos;
    c.expectKeyword('SELECT');
    const unsupported: { clause: string; pos: SqlPosition }[] = [];
    const distinct = c.acceptKeyword('DISTINCT');
    if (!distinct) c.acceptKeyword('ALL');
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (c.acceptOp(','));
    let from: TableRef | Query | WindowTvf | JoinRef | undefined;
    let fromAlias: string | undefined;
    if (c.acceptKeyword('FROM')) {
      const item = this.fromItem();
      if (item.kind === 'table' && item.ref.asOf)
        throw new SqlError('FOR SYSTEM_TIME AS OF applies to the table on the right of a JOIN only', item.ref.asOf.pos, c.sql);
      const first = item.kind === 'table' ? item.ref : item;
      const j = c.peek();
      if (c.isOp(',') || (j.type === 'ident' && JOINS.has(j.upper))) from = parseJoins(c, this.e, first, () => this.fromItem());
      else if (item.kind === 'subquery') {
        from = item.query;
        fromAlias = item.alias;
      } else from = first as TableRef | WindowTvf;
    }
    const where = c.acceptKeyword('WHERE') ? this.e.expression() : undefined;
    let groupBy: Expr[] | undefined;
    if (c.acceptKeyword('GROUP', 'BY')) {
      groupBy = [];
      do groupBy.push(this.e.expression());
      while (c.acceptOp(','));
    }
    const having = c.acceptKeyword('HAVING') ? this.e.expression() : undefined;
    let windows: Map<string, OverWindow> | undefined;
    if (c.acceptKeyword('WINDOW')) {
      windows = new Map();
      const over = new OverClauseParser(c, () => this.e.expression());
      do {
        const at = c.peek().pos;
        const name = c.identifier('a window name');
        c.expectKeyword('AS');
        c.expectOp('(');
        windows.set(name, over.windowBody(at));
        c.expectOp(')');
      } while (c.acceptOp(','));
    }
    return {
      kind: 'select',
      items,
      from,
      fromAlias,
      where,
      ...(groupBy ? { groupBy } : {}),
      ...(having ? { having } : {}),
      ...(windows ? { windows } : {}),
      ...(distinct ? { distinct } : {}),
      unsupported,
      pos,
    };
  }

  /** One item of FROM: a table, `(SELECT ...) [alias]` or a window table function. */
  private fromItem(): { kind: 'table'; ref: TableRef } | SubqueryRef | WindowTvf {
    const c = this.c;
    const t = c.peek();
    let item: { kind: 'table'; ref: TableRef } | SubqueryRef | WindowTvf;
    if (c.acceptOp('(')) {
      const query = this.query();
      c.expectOp(')');
      const alias = this.alias();
      // `AS t(x, y)`: names for the subquery's columns.
      const columnNames = alias !== undefined && c.isOp('(') ? this.identList() : undefined;
      item = { kind: 'subquery', query: columnNames ? { ...query, columnNames } : query, alias };
    } else if (t.type === 'ident' && WINDOW_TVFS.has(t.upper) && c.isOp('(', 1))
      return this.unsupported(`Window table function ${t.upper} outside TABLE(...)`, t.pos);
    else if (t.type === 'ident' && t.upper === 'TABLE' && c.isOp('(', 1)) item = this.windowTvf();
    else {
      const name = this.name();
      // Flink writes `t FOR SYSTEM_TIME AS OF o.ts AS alias`; `t AS alias FOR SYSTEM_TIME ...` is read too.
      let asOf = this.asOf();
      const alias = this.alias();
      asOf ??= this.asOf();
      item = { kind: 'table', ref: { name, alias, ...(asOf ? { asOf } : {}) } };
    }
    if (c.isKeyword('FOR')) return c.fail('FOR SYSTEM_TIME AS OF applies to a table of a join only');
    return item;
  }

  /** `FOR SYSTEM_TIME AS OF expr`, if it comes next. */
  private asOf(): Expr | undefined {
    const c = this.c;
    if (!c.acceptKeyword('FOR')) return undefined;
    c.expectKeyword('SYSTEM_TIME', 'AS', 'OF');
    return this.e.expression();
  }

  /** TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL ...[, INTERVAL ...])) [AS alias] */
  private windowTvf(): WindowTvf {
    const c = this.c;
    c.next();
    c.expectOp('(');
    const f = c.peek();
    if (f.type !== 'ident' || !WINDOW_TVFS.has(f.upper)) return c.fail('Expected a window table function (TUMBLE, HOP, CUMULATE or SESSION)');
    c.next();
    c.expectOp('(');
    c.expectKeyword('TABLE');
    const table = this.name();
    const partitionBy: string[] = [];
    if (f.upper === 'SESSION' && c.acceptKeyword('PARTITION', 'BY')) {
      const parenthesized = c.acceptOp('(');
      do partitionBy.push(c.identifier('a column name'));
      while ((parenthesized || !c.isKeyword('DESCRIPTOR', 1)) && c.acceptOp(','));
      if (parenthesized) c.expectOp(')');
    }
    c.expectOp(',');
    c.expectKeyword('DESCRIPTOR');
    c.expectOp('(');
    const timeColumn = c.identifier('the time attribute column');
    c.expectOp(')');
    const intervals: number[] = [];
    while (c.acceptOp(',')) {
      const at = c.peek();
      const e = this.e.expression();
      if (e.kind !== 'interval' || e.months !== undefined) return c.fail("Expected an interval such as INTERVAL '10' SECOND", at);
      intervals.push(e.millis);
    }
    const want = f.upper === 'TUMBLE' || f.upper === 'SESSION' ? 1 : 2;
    if (intervals.length !== want)
      throw new SqlError(
        `${f.upper} takes ${want === 1 ? (f.upper === 'SESSION' ? 'one interval (gap)' : 'one interval (size)') : f.upper === 'HOP' ? 'two intervals (slide, size)' : 'two intervals (step, size)'}; found ${intervals.length}`,
        f.pos,
        c.sql,
      );
    c.expectOp(')');
    c.expectOp(')');
    return {
      kind: 'windowTvf',
      fn: f.upper as WindowTvf['fn'],
      table,
      timeColumn,
      intervals,
      alias: this.alias(),
      pos: f.pos,
      ...(partitionBy.length > 0 ? { partitionBy } : {}),
    };
  }

  private selectItem(): SelectItem {
    const expr = this.e.expression();
    return { expr, alias: this.alias() };
  }

  private alias(): string | undefined {
    const c = this.c;
    if (c.acceptKeyword('AS')) return c.identifier('an alias');
    const t = c.peek();
    if (t.type === 'quoted' || (t.type === 'ident' && !RESERVED.has(t.upper))) return c.next().value;
    return undefined;
  }
}
