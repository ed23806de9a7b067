import { closestName } from '../../core/closest-name.js';
import { databaseUrl, type JdbcMetadataRequest, type JdbcTableInfo } from '../../connectors/jdbc/jdbc-metadata.js';
import { jdbcMetadataSync } from '../../connectors/jdbc/jdbc-metadata-sync.js';
import { parseJdbcUrl, redactUrl } from '../../connectors/jdbc/jdbc-url.js';
import type { ColumnDef } from '../ast.js';
import type { CatalogTable } from '../catalog.js';
import { SqlError } from '../sql-error.js';
import { typeNamed, type SqlType } from '../sql-types.js';
import type { CatalogFactory, ExternalCatalog } from './external-catalog.js';
import { mapJdbcType, type MappedType } from './jdbc-type-mapping.js';

const OPTIONS = ['type', 'base-url', 'default-database', 'username', 'password'];
const NO_POS = { offset: 0, line: 1, column: 1 };

/**
 * Flink's JDBC catalog over PostgreSQL and MySQL/MariaDB: `CREATE CATALOG pg WITH ('type' = 'jdbc',
 * 'base-url' = 'jdbc:postgresql://localhost:5432', 'default-database' = 'shop', 'username' = ...,
 * 'password' = ...)`. Its databases are the server's; its tables read as `jdbc` scan sources and
 * write as `jdbc` sinks (upserts on the primary key), with column types and keys from the schema.
 * PostgreSQL tables are named `schema.table` (`pg.shop.\`public.orders\``; without a schema,
 * `public`), MySQL tables by their name. A table's schema is read when a statement first uses it.
 *
 * @example
 * tEnv.executeSql("CREATE CATALOG pg WITH ('type' = 'jdbc', 'base-url' = 'jdbc:postgresql://localhost:5432', 'default-database' = 'shop')");
 * tEnv.executeSql('SELECT * FROM pg.shop.`public.orders`');
 */
export const jdbcCatalog: CatalogFactory = (name, options, fail) => {
  for (const k of options.keys())
    if (!OPTIONS.includes(k)) {
      const near = closestName(k, OPTIONS);
      fail(`unknown option '${k}'${near ? `; did you mean '${near}'?` : ''} (a jdbc catalog takes ${OPTIONS.map((o) => `'${o}'`).join(', ')})`);
    }
  const baseUrl = options.get('base-url') || fail("option 'base-url' is required, e.g. 'jdbc:postgresql://localhost:5432' (without a database)");
  const defaultDatabase = options.get('default-database') || fail("option 'default-database' is required");
  if (/^jdbc:[a-z]+:\/\/[^/]+\/+[^/]/.test(baseUrl))
    fail(`'base-url' = '${redactUrl(baseUrl)}' names a database: give it without one, and the database in 'default-database'`);
  let dialect: 'postgres' | 'mysql';
  try {
    dialect = parseJdbcUrl(databaseUrl(baseUrl, defaultDatabase)).dialect;
  } catch (e) {
    return fail(e instanceof Error ? e.message.replace(/'url'/, "'base-url'") : String(e));
  }
  const auth = {
    ...(options.has('username') ? { user: options.get('username')! } : {}),
    ...(options.has('password') ? { password: options.get('password')! } : {}),
  };
  const ask = <T>(request: JdbcMetadataRequest): T => {
    const r = jdbcMetadataSync(request);
    if (!r.ok) throw new SqlError(`Catalog '${name}': ${r.message}`);
    return r.value as T;
  };
  const databases = () => ask<string[]>({ op: 'databases', baseUrl, database: defaultDatabase, ...auth });
  const known = databases();
  if (!known.includes(defaultDatabase))
    fail(`'default-database' = '${defaultDatabase}' is not a database at ${redactUrl(baseUrl)} (there: ${known.join(', ')})`);
  // Planning looks a table up several times per statement: its schema is read once.
  const tables = new Map<string, CatalogTable | undefined>();
  const catalog: ExternalCatalog = {
    type: 'jdbc',
    defaultDatabase,
    databases,
    tables: (database) => ask<string[]>({ op: 'tables', baseUrl, database, ...auth }),
    table(database, table) {
      const key = `${database}\0${table}`;
      if (!tables.has(key)) {
        const info = ask<JdbcTableInfo | null>({ op: 'table', baseUrl, database, table, ...auth });
        tables.set(key, info ? catalogTable(name, database, table, info) : undefined);
      }
      return tables.get(key);
    },
  };

  function catalogTable(catalogName: string, database: string, table: string, info: JdbcTableInfo): CatalogTable {
    const columns: ColumnDef[] = info.columns.map((c) => {
      const mapped = mapJdbcType(dialect, c);
      if (!mapped)
        throw new SqlError(`Table '${catalogName}.${database}.${table}': column '${c.name}' has type ${c.detail || c.dataType}, which Weir cannot read yet`);
      return { name: c.name, type: sqlType(mapped), notNull: !c.nullable, computed: undefined, pos: NO_POS };
    });
    const withOptions = new Map<string, string>([
      ['connector', 'jdbc'],
      ['url', databaseUrl(baseUrl, database)],
      ['table-name', table],
    ]);
    if (auth.user !== undefined) withOptions.set('username', auth.user);
    if (auth.password !== undefined) withOptions.set('password', auth.password);
    return {
      kind: 'table',
      name: table,
      temporary: false,
      columns,
      partitionKeys: [],
      watermark: undefined,
      primaryKey: info.primaryKey.length > 0 ? info.primaryKey : undefined,
      options: withOptions,
      sql: '',
    };
  }
  return catalog;
};

function sqlType(t: MappedType): SqlType {
  return t.name === 'ARRAY' ? { name: 'ARRAY', element: sqlType(t.element!) } : typeNamed(t.name, t.precision, NO_POS, '', t.scale);
}
