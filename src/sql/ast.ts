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
      readonly value: string | number | boolean | null;
      readonly type: 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'null';
      readonly pos: SqlPosition;
    }
  | { readonly kind: 'interval'; readonly millis: number; readonly pos: SqlPosition; readonly months?: number }
  | { readonly kind: 'column'; readonly name: Name; readonly pos: SqlPosition }
  | { readonly kind: 'star'; readonly qualifier: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'unary'; readonly op: 'NOT' | '-' | '+'; readonly arg: Expr; readonly pos: SqlPosition }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly pos: SqlPosition }
  | { readonly kind: 'isNull'; readonly arg: Expr; readonly negated: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'between'; readonly arg: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly pos: SqlPosition }
  | { readonly kind: 'in'; readonly arg: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly pos: SqlPosition }
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
    }
  | { readonly kind: 'trim'; readonly side: 'BOTH' | 'LEADING' | 'TRAILING'; readonly chars: Expr | undefined; readonly arg: Expr; readonly pos: SqlPosition };

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string | undefined;
}

export interface TableRef {
  readonly name: Name;
  readonly alias: string | undefined;
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

/** A SELECT; clauses this slice cannot run are kept by position to reject them by name. */
export interface Query {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from: TableRef | Query | WindowTvf | undefined;
  readonly fromAlias?: string | undefined;
  readonly where: Expr | undefined;
  readonly groupBy?: readonly Expr[];
  readonly having?: Expr | undefined;
  readonly unsupported: readonly { readonly clause: string; readonly pos: SqlPosition }[];
  readonly pos: SqlPosition;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType | undefined;
  readonly notNull: boolean;
  /** A computed column: `name AS expr`. */
  readonly computed: Expr | undefined;
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
  | { readonly kind: 'showTables' }
  | { readonly kind: 'showFunctions'; readonly user: boolean }
  | { readonly kind: 'describe'; readonly name: Name }
  | { readonly kind: 'set'; readonly key: string | undefined; readonly value: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'reset'; readonly key: string | undefined; readonly pos: SqlPosition }
  | { readonly kind: 'insert'; readonly table: Name; readonly columns: readonly string[] | undefined; readonly query: Query; readonly overwrite: boolean }
  | { readonly kind: 'query'; readonly query: Query }
  | { readonly kind: 'explain'; readonly target: Extract<Statement, { kind: 'insert' | 'query' }> };

/** A statement with the text it was parsed from (for error carets). */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly text: string;
}

/** Where the text of `e` starts (an operator's position is its operator; its text starts with its left operand). */
export function startOffset(e: Expr): number {
  if (e.kind === 'binary') return startOffset(e.left);
  if (e.kind === 'isNull' || e.kind === 'between' || e.kind === 'in' || e.kind === 'like') return startOffset(e.arg);
  return e.pos.offset;
}
