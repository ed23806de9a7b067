import type { SqlPosition } from './sql-error.js';
import type { SqlType } from './sql-types.js';

/** A possibly qualified name as written: `t`, `db.t`, `` `my table` ``. */
export interface Name {
  readonly parts: readonly string[];
  readonly pos: SqlPosition;
}

export type Expr =
  | {
      readonly kind: 'literal';
      /** A DECIMAL's value is its unscaled bigint (`1.50` is `150n` at scale 2). */
      readonly value: string | number | bigint | boolean | null;
      readonly type: 'string' | 'int' | 'bigint' | 'decimal' | 'double' | 'boolean' | 'null';
      readonly pos: SqlPosition;
      /** A DECIMAL literal's precision and scale, from its digits as written (`0.10`: 3 and 2). */
      readonly precision?: number;
      readonly scale?: number;
    }
  | { readonly kind: 'interval'; readonly millis: number; readonly pos: SqlPosition; readonly months?: number }
  | { readonly kind: 'column'; readonly name: Name; readonly pos: SqlPosition }
  | { readonly kind: 'star'; readonly qualifier: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'unary'; readonly op: 'NOT' | '-' | '+'; readonly arg: Expr; readonly pos: SqlPosition }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly pos: SqlPosition }
  | { readonly kind: 'isNull'; readonly arg: Expr; readonly negated: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'between'; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'in'; readonly arg: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly pos: SqlPosition }
  /** `arg [NOT] IN (SELECT col ...)`: runs as a semi (anti) join, as a conjunct of WHERE only. */
  | { readonly kind: 'inQuery'; readonly arg: Expr; readonly query: Query; readonly negated: boolean; readonly pos: SqlPosition }
  /** `EXISTS (SELECT ...)`: runs as a semi join (`NOT EXISTS`: an anti join), as a conjunct of WHERE only. */
  | { readonly kind: 'exists'; readonly query: Query; readonly pos: SqlPosition }
  /** `(SELECT x ...)` as a value: the one row's value, NULL when there is none (more than one is a runtime error). */
  | { readonly kind: 'scalarQuery'; readonly query: Query; readonly pos: SqlPosition }
  /** `(a, b)`: several values compared at once, as the left side of IN (SELECT a, b ...). */
  | { readonly kind: 'row'; readonly items: readonly Expr[]; readonly pos: SqlPosition }
  | { readonly kind: 'like'; readonly arg: Expr; readonly pattern: Expr; readonly negated: boolean; readonly pos: SqlPosition }
  | {
      readonly kind: 'case';
      readonly operand: Expr | undefined;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly otherwise: Expr | undefined;
      readonly pos: SqlPosition;
    }
  | { readonly kind: 'cast'; readonly arg: Expr; readonly to: SqlType; readonly pos: SqlPosition; readonly safe?: boolean }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly pos: SqlPosition;
      readonly distinct?: boolean;
      readonly filter?: Expr;
      /** `agg(x) OVER (...)` or `OVER w`: an OVER aggregation or ROW_NUMBER ({@link OverWindow}). */
      readonly over?: OverWindow;
    }
  | { readonly kind: 'trim'; readonly side: 'BOTH' | 'LEADING' | 'TRAILING'; readonly chars: Expr | undefined; readonly arg: Expr; readonly pos: SqlPosition };

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string | undefined;
}

export interface TableRef {
  readonly name: Name;
  readonly alias: string | undefined;
  /** `t FOR SYSTEM_TIME AS OF o.ts`: the table as of a time of the other join input (a temporal or lookup join). */
  readonly asOf?: Expr;
}

/** A window table-valued function in FROM: `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))`. */
export interface WindowTvf {
  readonly kind: 'windowTvf';
  readonly fn: 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';
  /** SESSION's `PARTITION BY` columns: sessions are per value of them. */
  readonly partitionBy?: readonly string[];
  readonly table: Name;
  readonly timeColumn: string;
  /** Interval arguments in milliseconds, as written: TUMBLE (size), HOP (slide, size), CUMULATE (step, size), SESSION (gap). */
  readonly intervals: readonly number[];
  readonly alias: string | undefined;
  readonly pos: SqlPosition;
}

/** A subquery as one input of a join: `(SELECT ...) [AS] alias`. */
export interface SubqueryRef {
  readonly kind: 'subquery';
  readonly query: Query;
  readonly alias: string | undefined;
}

/** `LATERAL TABLE(fn(args)) [AS] alias[(col, ...)]`: the rows a table function produces for each row of the left input. */
export interface LateralTable {
  readonly kind: 'lateral';
  readonly call: Extract<Expr, { kind: 'call' }>;
  readonly alias: string | undefined;
  /** Names for the function's columns, in order (else its declared names). */
  readonly columns: readonly string[] | undefined;
  readonly pos: SqlPosition;
}

/** `left [INNER|LEFT|RIGHT|FULL] JOIN right ON cond`, or `left, right` / `CROSS JOIN` (type 'CROSS', no ON). */
export interface JoinRef {
  readonly kind: 'join';
  readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
  readonly left: TableRef | SubqueryRef | WindowTvf | JoinRef;
  readonly right: TableRef | SubqueryRef | WindowTvf | LateralTable;
  readonly on: Expr | undefined;
  /** Where the text of ON ends (for plan names). */
  readonly onEnd?: number;
  readonly pos: SqlPosition;
}

/** One ORDER BY item; NULLs sort as the smallest value unless `NULLS FIRST/LAST` says otherwise (Flink's default). */
export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/**
 * The window of an OVER call: `OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`,
 * or a named one (`OVER w`, from the query's WINDOW clause). `preceding`: rows (ROWS) or milliseconds
 * (RANGE), `Infinity` for UNBOUNDED; no frame is RANGE UNBOUNDED PRECEDING, as in SQL.
 */
export interface OverWindow {
  readonly ref?: string;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame: { readonly unit: 'ROWS' | 'RANGE'; readonly preceding: number } | undefined;
  readonly pos: SqlPosition;
}

/** A set operation of two queries with as many columns; INTERSECT binds tighter than UNION and EXCEPT, as in SQL. */
export interface SetOp {
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  /** `ALL` keeps duplicates (a row n times on the left and m on the right: INTERSECT ALL min(n, m), EXCEPT ALL n - m). */
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
}

/** One name of a WITH clause: a query that the later names and the main query read as a table. */
export interface CommonTable {
  readonly name: string;
  readonly query: Query;
  /** The query's text, for plan names. */
  readonly text: string;
  readonly pos: SqlPosition;
}

/** A SELECT; clauses this slice cannot run are kept by position to reject them by name. */
export interface Query {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from: TableRef | Query | WindowTvf | JoinRef | undefined;
  readonly fromAlias?: string | undefined;
  readonly where: Expr | undefined;
  readonly groupBy?: readonly Expr[];
  readonly having?: Expr | undefined;
  /** `WINDOW w AS (...)`: named OVER windows. */
  readonly windows?: ReadonlyMap<string, OverWindow>;
  /** `UNION ALL` branches after this SELECT; `orderBy` and `limit` then apply to the whole union. */
  readonly unionAll?: readonly Query[];
  /** `SELECT DISTINCT`: duplicate rows of this SELECT dropped. */
  readonly distinct?: boolean;
  /** `left UNION|INTERSECT|EXCEPT [ALL] right` (not a chain of UNION ALL): `items` and `from` are then unused. */
  readonly setOp?: SetOp;
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: { readonly count: number; readonly pos: SqlPosition };
  /** `WITH name [(cols)] AS (query), ...` before this query: names its FROM clauses (and its subqueries') may read. */
  readonly with?: readonly CommonTable[];
  /** `VALUES (..), (..)`: the rows of this query (`items` and `from` are then unused). */
  readonly values?: readonly (readonly Expr[])[];
  /** Names for the output columns, in order: `AS t(x, y)` after a subquery or VALUES, `WITH t(x, y) AS`. */
  readonly columnNames?: readonly string[];
  readonly unsupported: readonly { readonly clause: string; readonly pos: SqlPosition }[];
  readonly pos: SqlPosition;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType | undefined;
  readonly notNull: boolean;
  /** A computed column: `name AS expr`. */
  readonly computed: Expr | undefined;
  /** A metadata column: `name type METADATA [FROM 'key'] [VIRTUAL]` (key: the connector's name for it). */
  readonly metadata?: { readonly key: string; readonly virtual: boolean };
  readonly pos: SqlPosition;
}

export type Statement =
  | {
      readonly kind: 'createTable';
      readonly name: Name;
      readonly ifNotExists: boolean;
      readonly temporary: boolean;
      readonly columns: readonly ColumnDef[];
      readonly watermark: { readonly column: string; readonly expr: Expr; readonly pos: SqlPosition } | undefined;
      readonly primaryKey: readonly string[] | undefined;
      /** PARTITIONED BY (...): the columns whose values name a row's directory (filesystem sink). */
      readonly partitionKeys: readonly string[];
      readonly options: ReadonlyMap<string, string>;
      readonly optionsPos: SqlPosition;
    }
  | {
      readonly kind: 'createView';
      readonly name: Name;
      readonly ifNotExists: boolean;
      readonly temporary: boolean;
      readonly query: Query;
      readonly text: string;
    }
  | { readonly kind: 'drop'; readonly what: 'TABLE' | 'VIEW'; readonly name: Name; readonly ifExists: boolean }
  /** `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'module#export' [LANGUAGE JAVASCRIPT|TYPESCRIPT]`. */
  | {
      readonly kind: 'createFunction';
      readonly name: Name;
      readonly ifNotExists: boolean;
      readonly system: boolean;
      readonly identifier: string;
      readonly pos: SqlPosition;
    }
  /** `DROP [TEMPORARY [SYSTEM]] FUNCTION [IF EXISTS] name`. */
  | { readonly kind: 'dropFunction'; readonly name: Name; readonly ifExists: boolean; readonly system: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'showTables' }
  /** `CREATE CATALOG [IF NOT EXISTS] name WITH (...)`. */
  | {
      readonly kind: 'createCatalog';
      readonly name: string;
      readonly ifNotExists: boolean;
      readonly options: ReadonlyMap<string, string>;
      readonly pos: SqlPosition;
    }
  | { readonly kind: 'dropCatalog'; readonly name: string; readonly ifExists: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'useCatalog'; readonly name: string; readonly pos: SqlPosition }
  /** `USE [catalog.]database`. */
  | { readonly kind: 'useDatabase'; readonly name: Name }
  | { readonly kind: 'showCatalogs' }
  | { readonly kind: 'showDatabases' }
  | { readonly kind: 'showCurrent'; readonly what: 'CATALOG' | 'DATABASE' }
  | { readonly kind: 'showFunctions'; readonly user: boolean }
  | { readonly kind: 'describe'; readonly name: Name }
  | { readonly kind: 'set'; readonly key: string | undefined; readonly value: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'reset'; readonly key: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'insert'; readonly table: Name; readonly columns: readonly string[] | undefined; readonly query: Query; readonly overwrite: boolean }
  | { readonly kind: 'query'; readonly query: Query }
  /** `EXECUTE STATEMENT SET BEGIN INSERT ...; ... END` or `BEGIN STATEMENT SET; INSERT ...; END`: the INSERTs run as one job. */
  | { readonly kind: 'statementSet'; readonly inserts: readonly Extract<Statement, { kind: 'insert' }>[]; readonly pos: SqlPosition }
  | { readonly kind: 'explain'; readonly target: Extract<Statement, { kind: 'insert' | 'query' | 'statementSet' }> };

/** A statement with the text it was parsed from (for error carets). */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly text: string;
}

/** Where the text of `e` starts (an operator's position is its operator; its text starts with its left operand). */
export function startOffset(e: Expr): number {
  if (e.kind === 'binary') return startOffset(e.left);
  if (e.kind === 'isNull' || e.kind === 'between' || e.kind === 'in' || e.kind === 'inQuery' || e.kind === 'like') return startOffset(e.arg);
  return e.pos.offset;
}
