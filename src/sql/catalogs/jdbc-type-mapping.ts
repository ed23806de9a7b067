import type { JdbcColumnInfo } from '../../connectors/jdbc/jdbc-metadata.js';

/** A Flink type name with its precision and scale, as `typeNamed` takes them. */
export interface MappedType {
  readonly name: string;
  readonly precision?: number;
  readonly scale?: number;
  readonly element?: MappedType;
}

type Mapper = (c: JdbcColumnInfo) => MappedType | undefined;

const decimal = (c: JdbcColumnInfo): MappedType =>
  // NUMERIC without a precision holds any value: DECIMAL(38, 18), as Flink's catalog maps it.
  c.precision === null ? { name: 'DECIMAL', precision: 38, scale: 18 } : { name: 'DECIMAL', precision: c.precision, scale: c.scale ?? 0 };
const varchar = (c: JdbcColumnInfo): MappedType => (c.length === null ? { name: 'STRING' } : { name: 'VARCHAR', precision: c.length });
const timestamp = (name: string) => (c: JdbcColumnInfo) => ({ name, precision: c.datetimePrecision ?? 6 });

/** PostgreSQL's types by information_schema's `data_type`, as Flink's PostgresTypeMapper maps them (JSON and UUID as STRING). */
const POSTGRES: Record<string, Mapper> = {
  smallint: () => ({ name: 'SMALLINT' }),
  integer: () => ({ name: 'INT' }),
  bigint: () => ({ name: 'BIGINT' }),
  real: () => ({ name: 'FLOAT' }),
  'double precision': () => ({ name: 'DOUBLE' }),
  numeric: decimal,
  boolean: () => ({ name: 'BOOLEAN' }),
  'character varying': varchar,
  character: varchar,
  text: () => ({ name: 'STRING' }),
  json: () => ({ name: 'STRING' }),
  jsonb: () => ({ name: 'STRING' }),
  uuid: () => ({ name: 'STRING' }),
  date: () => ({ name: 'DATE' }),
  'time without time zone': () => ({ name: 'TIME' }),
  'timestamp without time zone': timestamp('TIMESTAMP'),
  'timestamp with time zone': timestamp('TIMESTAMP_LTZ'),
};

/** Array element types by PostgreSQL's `udt_name` (`_int4` is an INT array). */
const POSTGRES_ELEMENTS: Record<string, MappedType> = {
  _int2: { name: 'SMALLINT' },
  _int4: { name: 'INT' },
  _int8: { name: 'BIGINT' },
  _float4: { name: 'FLOAT' },
  _float8: { name: 'DOUBLE' },
  _bool: { name: 'BOOLEAN' },
  _text: { name: 'STRING' },
  _varchar: { name: 'STRING' },
};

/** MySQL's and MariaDB's types by `data_type`, as Flink's MySqlTypeMapper maps them. */
const MYSQL: Record<string, Mapper> = {
  // TINYINT(1) is MySQL's BOOLEAN.
  tinyint: (c) => (/^tinyint\(1\)/.test(c.detail) ? { name: 'BOOLEAN' } : { name: 'TINYINT' }),
  smallint: () => ({ name: 'SMALLINT' }),
  mediumint: () => ({ name: 'INT' }),
  int: (c) => (c.detail.includes('unsigned') ? { name: 'BIGINT' } : { name: 'INT' }),
  bigint: (c) => (c.detail.includes('unsigned') ? { name: 'DECIMAL', precision: 20, scale: 0 } : { name: 'BIGINT' }),
  float: () => ({ name: 'FLOAT' }),
  double: () => ({ name: 'DOUBLE' }),
  decimal,
  bit: (c) => (c.precision === 1 ? { name: 'BOOLEAN' } : undefined),
  char: varchar,
  varchar,
  tinytext: () => ({ name: 'STRING' }),
  text: () => ({ name: 'STRING' }),
  mediumtext: () => ({ name: 'STRING' }),
  longtext: () => ({ name: 'STRING' }),
  json: () => ({ name: 'STRING' }),
  enum: () => ({ name: 'STRING' }),
  set: () => ({ name: 'STRING' }),
  year: () => ({ name: 'INT' }),
  date: () => ({ name: 'DATE' }),
  time: () => ({ name: 'TIME' }),
  datetime: (c) => ({ name: 'TIMESTAMP', precision: c.datetimePrecision ?? 0 }),
  timestamp: (c) => ({ name: 'TIMESTAMP', precision: c.datetimePrecision ?? 0 }),
};

/**
 * The Flink SQL type of a database column; undefined for a type Weir cannot read (BYTEA, BLOB,
 * geometry, ...), which the catalog reports naming the column.
 *
 * @example
 * mapJdbcType('postgres', { dataType: 'numeric', precision: 10, scale: 2, ... }) // { name: 'DECIMAL', precision: 10, scale: 2 }
 */
export function mapJdbcType(dialect: 'postgres' | 'mysql', c: JdbcColumnInfo): MappedType | undefined {
  if (dialect === 'postgres' && c.dataType === 'ARRAY') {
    const element = POSTGRES_ELEMENTS[c.detail];
    return element ? { name: 'ARRAY', element } : undefined;
  }
  return (dialect === 'postgres' ? POSTGRES : MYSQL)[c.dataType]?.(c);
}
