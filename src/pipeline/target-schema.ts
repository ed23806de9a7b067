import type mysql from 'mysql2/promise';
import { ConfigError } from '../core/errors.js';

/** A source column as MySQL's or MariaDB's information_schema describes it. */
export interface SourceColumn {
  readonly name: string;
  /** DATA_TYPE, e.g. `int`, `varchar`. */
  readonly dataType: string;
  /** COLUMN_TYPE, e.g. `int(10) unsigned`, `tinyint(1)`, `enum('a','b')`. */
  readonly columnType: string;
  readonly nullable: boolean;
  readonly length: number | null;
  readonly precision: number | null;
  readonly scale: number | null;
  readonly datetimePrecision: number | null;
  /** COLUMN_DEFAULT as information_schema gives it (MariaDB quotes string literals). */
  readonly default: string | null;
}

/** The columns of `database`.`table`, in table order. */
export async function sourceColumns(c: mysql.Connection, database: string, table: string): Promise<SourceColumn[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable,
            CHARACTER_MAXIMUM_LENGTH AS len, NUMERIC_PRECISION AS prec, NUMERIC_SCALE AS scale,
            DATETIME_PRECISION AS dtp, COLUMN_DEFAULT AS def
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    name: String(r.name),
    dataType: String(r.dataType).toLowerCase(),
    columnType: String(r.columnType).toLowerCase(),
    nullable: r.nullable === 'YES',
    length: num(r.len),
    precision: num(r.prec),
    scale: num(r.scale),
    datetimePrecision: num(r.dtp),
    default: r.def === null || r.def === undefined ? null : String(r.def),
  }));
}

/**
 * The PostgreSQL type that holds every value of a MySQL column exactly: unsigned integers one size
 * up (BIGINT UNSIGNED as numeric(20)), DECIMAL with its precision, DATETIME/TIMESTAMP as
 * `timestamp` with their fractional digits, text types as `text`/`varchar(n)`, ENUM/SET as text,
 * JSON as `jsonb`, binary types as `bytea`. A type without a mapping fails naming the column.
 */
export function postgresType(c: SourceColumn, where: string): string {
  const unsigned = c.columnType.includes('unsigned');
  const frac = (p: number | null) => (p === null ? '' : `(${Math.min(p, 6)})`);
  switch (c.dataType) {
    case 'tinyint':
    case 'smallint':
      return unsigned && c.dataType === 'smallint' ? 'integer' : 'smallint';
    case 'mediumint':
      return 'integer';
    case 'int':
    case 'integer':
      return unsigned ? 'bigint' : 'integer';
    case 'bigint':
      return unsigned ? 'numeric(20)' : 'bigint';
    case 'decimal':
    case 'numeric':
      return `numeric(${c.precision ?? 10},${c.scale ?? 0})`;
    case 'float':
      return 'real';
    case 'double':
    case 'real':
      return 'double precision';
    case 'char':
    case 'varchar':
      return c.length === null ? 'text' : `varchar(${c.length})`;
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
      // MariaDB's JSON is LONGTEXT with a check: its text is kept as is.
      return 'text';
    case 'json':
      return 'jsonb';
    case 'date':
      return 'date';
    case 'datetime':
    case 'timestamp':
      return `timestamp${frac(c.datetimePrecision)}`;
    case 'time':
      return `time${frac(c.datetimePrecision)}`;
    case 'year':
      return 'smallint';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'bytea';
    case 'uuid':
      return 'uuid';
    default:
      throw new ConfigError(`${where}: column ${c.name} of type ${c.columnType} has no PostgreSQL type mapping yet`);
  }
}

/** A default value a target can take as it is: a number or a quoted string literal; anything else (expressions) is left out. */
function literalDefault(c: SourceColumn): string | undefined {
  const d = c.default;
  if (d === null || d === 'NULL') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(d)) return d;
  if (/^'(?:[^'\\]|''|\\.)*'$/.test(d)) return d.replace(/\\'/g, "''");
  return undefined;
}

/** The column's definition in the target's dialect (MySQL targets take the source's own type). */
export function columnDefinition(dialect: 'postgres' | 'mysql', c: SourceColumn, quote: (id: string) => string, where: string): string {
  const type = dialect === 'postgres' ? postgresType(c, where) : c.columnType;
  const def = literalDefault(c);
  return `${quote(c.name)} ${type}${def !== undefined ? ` DEFAULT ${def}` : ''}${c.nullable ? '' : ' NOT NULL'}`;
}
