import { ConfigError } from '../core/errors.js';
import { mapJdbcType } from '../sql/catalogs/jdbc-type-mapping.js';
import { formatType, T, typeNamed, type SqlType } from '../sql/sql-types.js';
import type { SourceColumn } from './target-schema.js';

const AT = { offset: 0, line: 1, column: 1 };

/**
 * The SQL type a transform's expressions see a source column as, as SQL's CDC tables and the jdbc
 * catalog map it; `undefined` for a type SQL cannot hold (binary, spatial, DECIMAL above 38 digits).
 * MySQL's TINYINT(1) stays a number, as the source's own SQL treats it (`active = 1`).
 */
export function sqlTypeOf(c: SourceColumn): SqlType | undefined {
  if (c.native.dialect === 'mysql' && c.dataType === 'tinyint') return T.INT;
  if (c.native.dialect === 'postgres' && c.dataType === 'datetime' && c.native.type.includes('with time zone'))
    return { name: 'TIMESTAMP_LTZ', precision: c.datetimePrecision ?? 6 };
  const m = mapJdbcType('mysql', {
    name: c.name,
    dataType: c.dataType,
    detail: c.columnType,
    length: c.length,
    precision: c.precision,
    scale: c.scale,
    datetimePrecision: c.datetimePrecision,
    nullable: c.nullable,
  });
  if (!m || m.element) return undefined;
  try {
    return typeNamed(m.name, m.name === 'TIME' ? (c.datetimePrecision ?? undefined) : m.precision, AT, '', m.scale);
  } catch {
    return undefined;
  }
}

/** The target type of a computed column: one that holds every value of its SQL type. */
export function computedColumnType(dialect: 'postgres' | 'mysql', t: SqlType, where: string): string {
  const pg = dialect === 'postgres';
  const frac = (p: number | undefined) => `(${Math.min(p ?? 3, 6)})`;
  switch (t.name) {
    case 'INT':
      return pg ? 'integer' : 'int';
    case 'BIGINT':
      return 'bigint';
    case 'DOUBLE':
      return pg ? 'double precision' : 'double';
    case 'DECIMAL':
      return `${pg ? 'numeric' : 'decimal'}(${t.precision ?? 10},${t.scale ?? 0})`;
    case 'STRING':
    case 'NULL':
      return pg ? 'text' : 'longtext';
    case 'BOOLEAN':
      return pg ? 'boolean' : 'tinyint(1)';
    case 'DATE':
      return 'date';
    case 'TIME':
      return `time${t.precision ? frac(t.precision) : ''}`;
    case 'TIMESTAMP':
      return `${pg ? 'timestamp' : 'datetime'}${frac(t.precision)}`;
    case 'TIMESTAMP_LTZ':
      return pg ? `timestamptz${frac(t.precision)}` : `datetime${frac(t.precision)}`;
    default:
      throw new ConfigError(`${where}: a computed column of type ${formatType(t)} has no ${pg ? 'PostgreSQL' : 'MySQL'} type yet`);
  }
}
