/** One statement with its parameters. */
export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/** What differs between PostgreSQL and MySQL/MariaDB in the statements the sink writes. */
export interface SqlDialect {
  quote(identifier: string): string;
  /** The placeholder of parameter `i` (0-based) of a statement. */
  placeholder(i: number): string;
  /** The tail that turns an INSERT into an upsert on `key`, updating `others`. */
  upsertClause(key: readonly string[], others: readonly string[]): string;
  /** Parameters one statement may carry. */
  readonly maxParams: number;
}

export const POSTGRES_SQL: SqlDialect = {
  quote: (id) => `"${id.replace(/"/g, '""')}"`,
  placeholder: (i) => `$${i + 1}`,
  upsertClause(key, others) {
    const target = `ON CONFLICT (${key.map(POSTGRES_SQL.quote).join(', ')})`;
    if (others.length === 0) return `${target} DO NOTHING`;
    return `${target} DO UPDATE SET ${others.map((c) => `${POSTGRES_SQL.quote(c)} = EXCLUDED.${POSTGRES_SQL.quote(c)}`).join(', ')}`;
  },
  maxParams: 30_000,
};

export const MYSQL_SQL: SqlDialect = {
  quote: (id) => `\`${id.replace(/`/g, '``')}\``,
  placeholder: () => '?',
  upsertClause(key, others) {
    // With only key columns there is nothing to update: assigning a key column to itself is a no-op.
    const set = others.length === 0 ? key.slice(0, 1) : others;
    return `ON DUPLICATE KEY UPDATE ${set.map((c) => `${MYSQL_SQL.quote(c)} = VALUES(${MYSQL_SQL.quote(c)})`).join(', ')}`;
  },
  maxParams: 30_000,
};

/** `schema.table` or `table`, each part quoted. */
export function quoteTable(d: SqlDialect, table: string): string {
  return table
    .split('.')
    .map((p) => d.quote(p))
    .join('.');
}

const value = (v: unknown): unknown => (v === undefined ? null : v);

/**
 * Multi-row INSERTs of `rows` (an upsert on `key` when given), as few statements as the parameter
 * limit allows.
 *
 * @example
 * insertStatements(POSTGRES_SQL, 't', ['id', 'n'], ['id'], [{ id: 1, n: 2 }])
 * // [{ sql: 'INSERT INTO "t" ("id", "n") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "n" = EXCLUDED."n"', params: [1, 2] }]
 */
export function insertStatements(
  d: SqlDialect,
  table: string,
  columns: readonly string[],
  key: readonly string[] | undefined,
  rows: readonly Record<string, unknown>[],
): Statement[] {
  const head = `INSERT INTO ${quoteTable(d, table)} (${columns.map((c) => d.quote(c)).join(', ')}) VALUES `;
  const tail = key
    ? ` ${d.upsertClause(
        key,
        columns.filter((c) => !key.includes(c)),
      )}`
    : '';
  const perStatement = Math.max(1, Math.floor(d.maxParams / columns.length));
  const out: Statement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const part = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of part) {
      const marks: string[] = [];
      for (const c of columns) {
        marks.push(d.placeholder(params.length));
        params.push(value(r[c]));
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    out.push({ sql: head + tuples.join(', ') + tail, params });
  }
  return out;
}

/** DELETEs of the rows with the keys of `rows`. */
export function deleteStatements(d: SqlDialect, table: string, key: readonly string[], rows: readonly Record<string, unknown>[]): Statement[] {
  const target = key.length === 1 ? d.quote(key[0]!) : `(${key.map((c) => d.quote(c)).join(', ')})`;
  const perStatement = Math.max(1, Math.floor(d.maxParams / key.length));
  const out: Statement[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of rows.slice(start, start + perStatement)) {
      const marks = key.map((c) => {
        params.push(value(r[c]));
        return d.placeholder(params.length - 1);
      });
      tuples.push(key.length === 1 ? marks[0]! : `(${marks.join(', ')})`);
    }
    out.push({ sql: `DELETE FROM ${quoteTable(d, table)} WHERE ${target} IN (${tuples.join(', ')})`, params });
  }
  return out;
}
