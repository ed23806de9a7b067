import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { ConfigError } from '../core/errors.js';

/**
 * A source column, described in MySQL's terms (a PostgreSQL column is translated to them), with its
 * exact type in its own database's SQL, which a target of the same kind takes as it is.
 */
export interface SourceColumn {
  readonly name: string;
  /** The column's type in its own database (`int(10) unsigned`, `numeric(12,2)`). */
  readonly native: { readonly dialect: 'postgres' | 'mysql'; readonly type: string };
  /** DATA_TYPE in MySQL's terms, e.g. `int`, `varchar`. */
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
    native: { dialect: 'mysql' as const, type: String(r.columnType) },
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

/** PostgreSQL's types in MySQL's terms (for the mapping to a MySQL target). */
const PG_AS_MYSQL: Record<string, string> = {
  int2: 'smallint',
  int4: 'int',
  int8: 'bigint',
  numeric: 'decimal',
  float4: 'float',
  float8: 'double',
  bool: 'tinyint',
  varchar: 'varchar',
  bpchar: 'char',
  text: 'text',
  date: 'date',
  timestamp: 'datetime',
  timestamptz: 'datetime',
  time: 'time',
  json: 'json',
  jsonb: 'json',
  bytea: 'blob',
  uuid: 'uuid',
};

/** The columns of PostgreSQL table `schema`.`table`, in table order. */
export async function postgresSourceColumns(c: pg.Client, schema: string, table: string): Promise<SourceColumn[]> {
  const { rows } = await c.query<{
    name: string;
    udt: string;
    native: string;
    nullable: string;
    len: number | null;
    prec: number | null;
    scale: number | null;
    dtp: number | null;
    def: string | null;
  }>(
    `SELECT c.column_name AS name, c.udt_name AS udt, format_type(a.atttypid, a.atttypmod) AS native, c.is_nullable AS nullable,
            c.character_maximum_length AS len, c.numeric_precision AS prec, c.numeric_scale AS scale, c.datetime_precision AS dtp,
            c.column_default AS def
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = $1 AND c.table_name = $2 ORDER BY c.ordinal_position`,
    [schema, table],
  );
  return rows.map((r) => {
    const dataType = PG_AS_MYSQL[r.udt] ?? r.udt;
    return {
      name: r.name,
      native: { dialect: 'postgres' as const, type: r.native },
      dataType,
      columnType: dataType === 'tinyint' ? 'tinyint(1)' : r.native,
      nullable: r.nullable === 'YES',
      length: r.len,
      precision: r.udt === 'numeric' ? r.prec : null,
      scale: r.udt === 'numeric' ? r.scale : null,
      datetimePrecision: r.dtp,
      // `'web'::text` -> `'web'`; anything else (nextval(...), now()) is not a literal.
      default: r.def === null ? null : r.def.replace(/^('(?:[^']|'')*')::[\w ]+$/, '$1'),
    };
  });
}

/** The MySQL type that holds every value of a column described in MySQL's terms (a PostgreSQL source's). */
export function mysqlType(c: SourceColumn, where: string): string {
  const frac = (p: number | null) => (p === null ? '' : `(${Math.min(p, 6)})`);
  switch (c.dataType) {
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'float':
    case 'double':
    case 'date':
    case 'json':
      return c.dataType;
    case 'decimal':
      if (c.precision === null) throw new ConfigError(`${where}: column ${c.name} is numeric without a precision, which no MySQL DECIMAL holds exactly`);
      return `decimal(${c.precision},${c.scale ?? 0})`;
    case 'tinyint':
      return 'tinyint(1)';
    case 'varchar':
      return c.length === null ? 'longtext' : `varchar(${c.length})`;
    case 'char':
      return `char(${c.length ?? 1})`;
    case 'text':
      return 'longtext';
    case 'datetime':
      return `datetime${frac(c.datetimePrecision)}`;
    case 'time':
      return `time${frac(c.datetimePrecision)}`;
    case 'blob':
      return 'longblob';
    case 'uuid':
      return 'char(36)';
    default:
      throw new ConfigError(`${where}: column ${c.name} of type ${c.native.type} has no MySQL type mapping yet`);
  }
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

/** The column's definition in the target's dialect (a target of the source's kind takes the source's own type). */
export function columnDefinition(dialect: 'postgres' | 'mysql', c: SourceColumn, quote: (id: string) => string, where: string): string {
  const type = c.native.dialect === dialect ? c.native.type : dialect === 'postgres' ? postgresType(c, where) : mysqlType(c, where);
  const def = literalDefault(c);
  return `${quote(c.name)} ${type}${def !== undefined ? ` DEFAULT ${def}` : ''}${c.nullable ? '' : ' NOT NULL'}`;
}
