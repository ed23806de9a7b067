import type { ColumnDef, Expr, Name, Query } from './ast.js';
import { closestName } from '../core/closest-name.js';
import { FunctionCatalog } from './functions/function-catalog.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import type { CatalogFactory, ExternalCatalog } from './catalogs/external-catalog.js';
import { jdbcCatalog } from './catalogs/jdbc-catalog.js';

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
  /** Where its names resolve, when not where it is read: a WITH query sees only the names before it. */
  readonly catalog?: Catalog;
}

export type CatalogEntry = CatalogTable | CatalogView;

const DEFAULT_CATALOG = 'default_catalog';
const DEFAULT_DATABASE = 'default_database';

/** The catalog types `CREATE CATALOG ... WITH ('type' = ...)` makes. */
const CATALOG_TYPES: Record<string, CatalogFactory> = { jdbc: jdbcCatalog };

/** Where a name points: catalog, database and object. */
interface ObjectPath {
  readonly catalog: string;
  readonly database: string;
  readonly object: string;
}

/**
 * The catalogs of one TableEnvironment: the in-memory one (Flink's
 * `default_catalog.default_database`) that holds what CREATE TABLE and CREATE VIEW make, and the
 * catalogs CREATE CATALOG adds, whose tables come from their systems. A name is resolved as
 * Flink's: `table` in the current catalog and database (USE CATALOG, USE), `db.table` in the
 * current catalog, or `catalog.db.table`. Names are case-sensitive, as in Flink.
 *
 * @example
 * catalog.lookup({ parts: ['orders'], pos }, sql)
 */
export class Catalog {
  private readonly entries = new Map<string, CatalogEntry>();
  /** Functions registered from TypeScript (createTemporarySystemFunction, createTemporaryFunction). */
  readonly functions = new FunctionCatalog();

  private readonly external = new Map<string, ExternalCatalog>();
  private current = { catalog: DEFAULT_CATALOG, database: DEFAULT_DATABASE };

  /** The object name of `name` in the in-memory catalog, which may be qualified with its catalog and database. */
  objectName(name: Name, sql: string): string {
    const path = this.path(name, sql);
    const ext = this.external.get(path.catalog);
    if (ext)
      throw new SqlError(
        `Catalog '${path.catalog}' is a ${ext.type} catalog: its tables come from the database, and CREATE or DROP of tables and views in it is not supported (as in Flink); create them in ${DEFAULT_CATALOG}`,
        name.pos,
        sql,
      );
    if (path.database !== DEFAULT_DATABASE) throw this.noDatabase(path.catalog, path.database, name.pos, sql);
    return path.object;
  }

  /** `catalog.database.object` of `name` (the default job name of an INSERT names its table so). */
  qualifiedName(name: Name, sql: string): string {
    const p = this.path(name, sql);
    return `${p.catalog}.${p.database}.${p.object}`;
  }

  private path(name: Name, sql: string): ObjectPath {
    const parts = name.parts;
    if (parts.length > 3) throw new SqlError(`'${parts.join('.')}' has more than three parts (catalog.database.table)`, name.pos, sql);
    const object = parts[parts.length - 1]!;
    const database = parts.length >= 2 ? parts[parts.length - 2]! : this.current.database;
    const catalog = parts.length === 3 ? parts[0]! : this.current.catalog;
    if (catalog !== DEFAULT_CATALOG && !this.external.has(catalog)) throw this.noCatalog(catalog, name.pos, sql);
    return { catalog, database, object };
  }

  /** CREATE CATALOG: makes a catalog of the `type` option's kind (it checks it can reach its system). */
  createCatalog(name: string, options: ReadonlyMap<string, string>, ifNotExists: boolean, pos: SqlPosition, sql: string): void {
    if (name === DEFAULT_CATALOG || this.external.has(name)) {
      if (ifNotExists) return;
      throw new SqlError(`Catalog '${name}' already exists`, pos, sql);
    }
    const fail = (message: string): never => {
      throw new SqlError(`Catalog '${name}': ${message}`, pos, sql);
    };
    const type = options.get('type') ?? fail(`option 'type' is required (${Object.keys(CATALOG_TYPES).join(', ')})`);
    const factory = CATALOG_TYPES[type] ?? fail(`unknown catalog type '${type}' (supported: ${Object.keys(CATALOG_TYPES).join(', ')})`);
    try {
      this.external.set(name, factory(name, options, fail));
    } catch (e) {
      if (e instanceof SqlError && e.position) throw e;
      throw new SqlError(e instanceof Error ? e.message : String(e), pos, sql);
    }
  }

  dropCatalog(name: string, ifExists: boolean, pos: SqlPosition, sql: string): void {
    if (name === this.current.catalog) throw new SqlError(`Cannot drop catalog '${name}': it is the current catalog (USE CATALOG another first)`, pos, sql);
    if (!this.external.delete(name) && !ifExists) throw this.noCatalog(name, pos, sql);
  }

  /** USE CATALOG: its default database becomes the current one, as in Flink. */
  useCatalog(name: string, pos: SqlPosition, sql: string): void {
    if (name === DEFAULT_CATALOG) this.current = { catalog: name, database: DEFAULT_DATABASE };
    else {
      const ext = this.external.get(name);
      if (!ext) throw this.noCatalog(name, pos, sql);
      this.current = { catalog: name, database: ext.defaultDatabase };
    }
  }

  /** USE [catalog.]database. */
  useDatabase(name: Name, sql: string): void {
    if (name.parts.length > 2) throw new SqlError(`'${name.parts.join('.')}' is not a database name ([catalog.]database)`, name.pos, sql);
    const catalog = name.parts.length === 2 ? name.parts[0]! : this.current.catalog;
    const database = name.parts[name.parts.length - 1]!;
    if (catalog !== DEFAULT_CATALOG && !this.external.has(catalog)) throw this.noCatalog(catalog, name.pos, sql);
    if (!this.databaseNames(catalog).includes(database)) throw this.noDatabase(catalog, database, name.pos, sql);
    this.current = { catalog, database };
  }

  currentCatalog(): string {
    return this.current.catalog;
  }

  currentDatabase(): string {
    return this.current.database;
  }

  catalogNames(): string[] {
    return [DEFAULT_CATALOG, ...this.external.keys()].sort();
  }

  /** The databases of `catalog` (default: the current one). */
  databaseNames(catalog = this.current.catalog): string[] {
    return this.external.get(catalog)?.databases() ?? [DEFAULT_DATABASE];
  }

  private noCatalog(name: string, pos: SqlPosition | undefined, sql: string): SqlError {
    const near = closestName(name, this.catalogNames());
    return new SqlError(`Catalog '${name}' does not exist${near ? `; did you mean '${near}'?` : ''} (CREATE CATALOG makes one)`, pos, sql);
  }

  private noDatabase(catalog: string, database: string, pos: SqlPosition | undefined, sql: string): SqlError {
    const near = closestName(database, this.databaseNames(catalog));
    return new SqlError(`Database '${database}' does not exist in catalog '${catalog}'${near ? `; did you mean '${near}'?` : ''}`, pos, sql);
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
      throw this.notFound(key, name, sql, this.entries.keys());
    }
    this.entries.delete(key);
    return true;
  }

  lookup(name: Name, sql: string): CatalogEntry {
    const path = this.path(name, sql);
    const ext = this.external.get(path.catalog);
    if (!ext) {
      if (path.database !== DEFAULT_DATABASE) throw this.noDatabase(path.catalog, path.database, name.pos, sql);
      const entry = this.entries.get(path.object);
      if (!entry) throw this.notFound(path.object, name, sql, this.entries.keys());
      return entry;
    }
    let entry: CatalogEntry | undefined;
    try {
      entry = ext.table(path.database, path.object);
    } catch (e) {
      // Most often the database is not there: say so, with the closest one.
      if (!ext.databases().includes(path.database)) throw this.noDatabase(path.catalog, path.database, name.pos, sql);
      if (e instanceof SqlError && e.position) throw e;
      throw new SqlError(e instanceof Error ? e.message : String(e), name.pos, sql);
    }
    if (entry) return entry;
    throw this.notFound(`${path.catalog}.${path.database}.${path.object}`, name, sql, ext.tables(path.database), path.object);
  }

  /**
   * This catalog with `views` known by their plain names before its own tables (a WITH clause's
   * names, for one query). Everything else, DDL included, is this catalog's.
   */
  withViews(views: ReadonlyMap<string, CatalogView>): Catalog {
    const scoped = Object.create(this) as Catalog;
    scoped.lookup = (name, sql) => (name.parts.length === 1 ? views.get(name.parts[0]!) : undefined) ?? this.lookup(name, sql);
    return scoped;
  }

  /** The tables and views of the current catalog and database, sorted (SHOW TABLES). */
  names(): string[] {
    const ext = this.external.get(this.current.catalog);
    return ext ? ext.tables(this.current.database) : [...this.entries.keys()].sort();
  }

  private notFound(key: string, name: Name, sql: string, candidates: Iterable<string>, object = key): SqlError {
    const near = closestName(object, candidates);
    return new SqlError(`Table or view '${key}' not found${near ? `; did you mean '${near}'?` : ''}`, name.pos, sql);
  }
}
