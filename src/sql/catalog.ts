import type { ColumnDef, Expr, Name, Query } from './ast.js';
import { closestName } from '../core/closest-name.js';
import { FunctionCatalog } from './functions/function-catalog.js';
import { SqlError } from './sql-error.js';

/** A table created with CREATE TABLE: its columns, watermark, key and connector options. */
export interface CatalogTable {
  readonly kind: 'table';
  readonly name: string;
  readonly temporary: boolean;
  readonly columns: readonly ColumnDef[];
  readonly watermark: { readonly column: string; readonly expr: Expr } | undefined;
  readonly primaryKey: readonly string[] | undefined;
  /** PARTITIONED BY (...), empty when not partitioned. */
  readonly partitionKeys: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  /** The script the table was declared in, for error carets in its computed columns. */
  readonly sql: string;
}

/** A view: a named query, planned where it is used. */
export interface CatalogView {
  readonly kind: 'view';
  readonly name: string;
  readonly temporary: boolean;
  readonly query: Query;
  readonly text: string;
  readonly sql: string;
}

export type CatalogEntry = CatalogTable | CatalogView;

const DEFAULT_PATH = ['default_catalog', 'default_database'];

/**
 * The in-memory catalog of one TableEnvironment (Flink's `default_catalog.default_database`).
 * Names are case-sensitive, as in Flink.
 *
 * @example
 * catalog.lookup({ parts: ['orders'], pos }, sql)
 */
export class Catalog {
  private readonly entries = new Map<string, CatalogEntry>();
  /** Functions registered from TypeScript (createTemporarySystemFunction, createTemporaryFunction). */
  readonly functions = new FunctionCatalog();

  /** The object name of `name`, which may be qualified with the default catalog and database. */
  objectName(name: Name, sql: string): string {
    const parts = name.parts;
    const prefix = parts.slice(0, -1);
    const expected = DEFAULT_PATH.slice(DEFAULT_PATH.length - prefix.length);
    if (prefix.length > 2 || prefix.some((p, i) => p !== expected[i])) {
      throw new SqlError(`Catalog or database '${prefix.join('.')}' does not exist (only ${DEFAULT_PATH.join('.')} is there yet)`, name.pos, sql);
    }
    return parts[parts.length - 1]!;
  }

  add(entry: CatalogEntry, ifNotExists: boolean, name: Name, sql: string): boolean {
    if (this.entries.has(entry.name)) {
      if (ifNotExists) return false;
      throw new SqlError(`${this.entries.get(entry.name)!.kind === 'view' ? 'View' : 'Table'} '${entry.name}' already exists`, name.pos, sql);
    }
    this.entries.set(entry.name, entry);
    return true;
  }

  drop(what: 'TABLE' | 'VIEW', name: Name, ifExists: boolean, sql: string): boolean {
    const key = this.objectName(name, sql);
    const entry = this.entries.get(key);
    if (!entry || entry.kind !== (what === 'TABLE' ? 'table' : 'view')) {
      if (ifExists) return false;
      if (entry) throw new SqlError(`'${key}' is a ${entry.kind}: use DROP ${entry.kind.toUpperCase()}`, name.pos, sql);
      throw this.notFound(key, name, sql);
    }
    this.entries.delete(key);
    return true;
  }

  lookup(name: Name, sql: string): CatalogEntry {
    const key = this.objectName(name, sql);
    const entry = this.entries.get(key);
    if (!entry) throw this.notFound(key, name, sql);
    return entry;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  private notFound(key: string, name: Name, sql: string): SqlError {
    const near = closestName(key, this.entries.keys());
    return new SqlError(`Table or view '${key}' not found${near ? `; did you mean '${near}'?` : ''}`, name.pos, sql);
  }
}
