import { ConfigError } from './errors.js';

/**
 * A field's logical type, written as Flink SQL writes it. Plain strings, so the SQL layer can add
 * types (ARRAY, ROW, ...) by widening this union and {@link LOGICAL_TYPE} without a new shape.
 */
export type LogicalType =
  'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'DATE' | 'TIMESTAMP' | `DECIMAL(${number}, ${number})` | `TIMESTAMP(${number})`;

/** Every logical type {@link schemaOf} accepts (the parameterised ones with their parameters). */
const LOGICAL_TYPE = /^(BOOLEAN|INT|BIGINT|FLOAT|DOUBLE|STRING|BYTES|DATE|TIMESTAMP|DECIMAL\(\d+, \d+\)|TIMESTAMP\(\d\))$/;

export interface SchemaField {
  readonly name: string;
  readonly type: LogicalType;
}

/** The fields of a stream's records, in order: what the SQL layer checks and `explain()` prints. */
export interface Schema {
  readonly fields: readonly SchemaField[];
}

/**
 * A schema from field names and types, in the order given; fails on an unknown type or a repeated
 * name. Take the array form when a field name is an integer (objects list those first).
 *
 * @example
 * schemaOf({ id: 'BIGINT', name: 'STRING', price: 'DECIMAL(10, 2)' })
 * schemaOf([['id', 'BIGINT'], ['name', 'STRING']])
 */
export function schemaOf(fields: Readonly<Record<string, LogicalType>> | readonly (readonly [string, LogicalType])[]): Schema {
  const entries = Array.isArray(fields) ? (fields as readonly (readonly [string, LogicalType])[]) : Object.entries(fields);
  const seen = new Set<string>();
  for (const [name, type] of entries) {
    if (!LOGICAL_TYPE.test(type))
      throw new ConfigError(
        `Schema field '${name}' has type '${type}', which is not a logical type (BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, STRING, BYTES, DATE, TIMESTAMP, TIMESTAMP(p), DECIMAL(p, s))`,
      );
    if (seen.has(name)) throw new ConfigError(`Schema field '${name}' appears twice`);
    seen.add(name);
  }
  return { fields: entries.map(([name, type]) => ({ name, type })) };
}

/** As plans print it. @example formatSchema(schemaOf({ id: 'BIGINT', name: 'STRING' })) // '(id BIGINT, name STRING)' */
export function formatSchema(schema: Schema): string {
  return `(${schema.fields.map((f) => `${f.name} ${f.type}`).join(', ')})`;
}

/** Same field names and types in the same order. */
export function sameSchema(a: Schema, b: Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name === b.fields[i]!.name && f.type === b.fields[i]!.type);
}
