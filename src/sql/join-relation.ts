import type { Expr, WindowTvf } from './ast.js';
import type { PlannedQuery } from './calc-planner.js';
import type { Column, Scope } from './expression-compiler.js';
import { columnRefs } from './join-conditions.js';
import { SqlError, type SqlPosition } from './sql-error.js';

/**
 * One input of a join as the planner sees it before building it: its columns, the names its
 * tables know them by, which columns are event-time attributes, and how to build its rows with
 * extra filters pushed into it.
 */
export interface Relation {
  readonly columns: readonly Column[];
  /** Qualifier -> column name -> the column of this relation's row. */
  readonly sides: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Columns whose value is each row's event timestamp (a table's WATERMARK FOR column). */
  readonly timeAttributes: ReadonlySet<string>;
  /** The rows of a window table function: its windows and the columns of their bounds (for window joins). */
  readonly window?: WindowOf;
  /** The rows, with `filters` applied; `rest`: filters it could not apply, for the caller. */
  build(filters: readonly Expr[]): { planned: PlannedQuery; rest: Expr[] };
}

export interface WindowOf {
  readonly fn: WindowTvf['fn'];
  readonly intervals: readonly number[];
  readonly start: string;
  readonly end: string;
}

export const scopeOf = (r: Pick<Relation, 'columns' | 'sides'>, description: string): Scope => ({
  columns: r.columns,
  qualifiers: [...r.sides.keys()],
  description,
  sides: r.sides,
});

export type Side = 'L' | 'R';

/** Which inputs a condition reads: 'L', 'R', 'both', or 'none' (constants only). */
export function sidesOf(e: Expr, l: Relation, r: Relation, sql: string): Side | 'both' | 'none' {
  const seen = new Set<Side | 'unknown'>();
  for (const c of columnRefs(e)) {
    const parts = c.name.parts;
    const name = parts[parts.length - 1]!;
    if (parts.length > 1) {
      const q = parts.slice(0, -1).join('.');
      seen.add(l.sides.has(q) ? 'L' : r.sides.has(q) ? 'R' : 'unknown');
      continue;
    }
    const inL = fieldOf(l, parts) !== undefined;
    const inR = fieldOf(r, parts) !== undefined;
    if (inL && inR) {
      const owners = [...l.sides, ...r.sides].filter(([, cols]) => cols.has(name)).map(([q]) => `'${q}'`);
      throw new SqlError(`Column '${name}' is ambiguous: it is in ${owners.join(' and ')}; qualify it`, c.pos, sql);
    }
    seen.add(inL ? 'L' : inR ? 'R' : 'unknown');
  }
  if (seen.size === 0) return 'none';
  if (seen.size === 1 && !seen.has('unknown')) return [...seen][0] as Side;
  return 'both';
}

/** The column of `rel`'s row that `parts` names, if it has one. */
export function fieldOf(rel: Relation, parts: readonly string[]): string | undefined {
  const name = parts[parts.length - 1]!;
  if (parts.length > 1) return rel.sides.get(parts.slice(0, -1).join('.'))?.get(name);
  for (const cols of rel.sides.values()) if (cols.has(name)) return cols.get(name);
  return rel.columns.some((c) => c.name === name) ? name : undefined;
}

/**
 * The joined row's columns: the left ones, then the right ones, renamed where a name is taken
 * (id -> id0), as Flink does; with the qualifiers of both inputs.
 */
export function joinedColumns(
  l: Pick<Relation, 'columns' | 'sides'>,
  r: Pick<Relation, 'columns' | 'sides'>,
  pos: SqlPosition,
  sql: string,
): { columns: Column[]; sides: Map<string, ReadonlyMap<string, string>>; renamed: Map<string, string> } {
  for (const q of r.sides.keys()) if (l.sides.has(q)) throw new SqlError(`'${q}' names two inputs of the join; give each its own alias`, pos, sql);
  const columns: Column[] = [...l.columns];
  const taken = new Set(columns.map((c) => c.name));
  const renamed = new Map<string, string>();
  for (const c of r.columns) {
    let name = c.name;
    for (let i = 0; taken.has(name); i++) name = `${c.name}${i}`;
    taken.add(name);
    renamed.set(c.name, name);
    columns.push({ ...c, name });
  }
  const sides = new Map(l.sides);
  for (const [q, cols] of r.sides) sides.set(q, new Map([...cols].map(([n, f]) => [n, renamed.get(f)!])));
  return { columns, sides, renamed };
}
