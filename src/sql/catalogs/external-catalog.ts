import type { CatalogTable } from '../catalog.js';

/**
 * A catalog other than the in-memory one, made by `CREATE CATALOG ... WITH ('type' = ...)`: it
 * knows its databases and tables itself, so queries use them without DDL. Called while a
 * statement is planned, synchronously, in the thread that plans it.
 */
export interface ExternalCatalog {
  /** The `type` option it was made with (`jdbc`). */
  readonly type: string;
  /** The database `USE CATALOG` switches to. */
  readonly defaultDatabase: string;
  databases(): string[];
  /** The tables of `database`, by the names queries use for them, sorted. */
  tables(database: string): string[];
  /** Table `name` of `database`; undefined when there is none. Fails naming the column when the table has a type Weir cannot read. */
  table(database: string, name: string): CatalogTable | undefined;
}

/** Makes a catalog from its WITH options; `fail` throws naming the catalog and the option. */
export type CatalogFactory = (name: string, options: ReadonlyMap<string, string>, fail: (message: string) => never) => ExternalCatalog;
