import { ConfigError } from '../../core/errors.js';

/** Which database a JDBC URL names, and where. */
export interface JdbcTarget {
  readonly dialect: 'postgres' | 'mysql';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** `user` and `password` given as URL parameters, as JDBC drivers accept them. */
  readonly user?: string;
  readonly password?: string;
}

const SCHEMES: Record<string, { dialect: JdbcTarget['dialect']; port: number }> = {
  postgresql: { dialect: 'postgres', port: 5432 },
  mysql: { dialect: 'mysql', port: 3306 },
  mariadb: { dialect: 'mysql', port: 3306 },
};

/** The URL without its parameters (which may hold a password), for messages. */
export function redactUrl(url: string): string {
  return url.replace(/[?;].*$/, '').replace(/\/\/[^@/]*@/, '//');
}

/**
 * Reads `jdbc:postgresql://host[:port]/db[?params]`, `jdbc:mysql://...` or `jdbc:mariadb://...`.
 *
 * @example
 * parseJdbcUrl('jdbc:postgresql://localhost:5432/shop') // { dialect: 'postgres', host: 'localhost', port: 5432, database: 'shop' }
 */
export function parseJdbcUrl(url: string): JdbcTarget {
  const m = /^jdbc:([a-z]+):\/\/(.*)$/.exec(url.trim());
  const scheme = m ? SCHEMES[m[1]!] : undefined;
  if (!m || !scheme)
    throw new ConfigError(
      `jdbc: 'url' = '${redactUrl(url)}' is not a jdbc:postgresql://, jdbc:mysql:// or jdbc:mariadb:// URL (e.g. 'jdbc:postgresql://localhost:5432/shop')`,
    );
  let parsed: URL;
  try {
    parsed = new URL(`http://${m[2]!}`);
  } catch {
    throw new ConfigError(`jdbc: 'url' = '${redactUrl(url)}' is not a valid URL`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') throw new ConfigError(`jdbc: 'url' = '${redactUrl(url)}' names no database (…/<database> after the host)`);
  const user = parsed.searchParams.get('user') ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const password = parsed.searchParams.get('password') ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  return {
    dialect: scheme.dialect,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : scheme.port,
    database,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}
