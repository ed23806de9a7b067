// The pipeline definition (YAML) and the plan made from it, without a database: options checked
// with errors naming the file and key, Flink CDC 3's table patterns, routes with a replace symbol,
// projections and filters, target DDL with the MySQL -> PostgreSQL type mapping.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePipeline, rowFilter } from '../../src/pipeline/pipeline-definition.js';
import { planTables } from '../../src/pipeline/pipeline-job.js';
import { pipelineSource } from '../../src/pipeline/pipeline-sources.js';
import { columnDefinition, mysqlType, postgresType, type SourceColumn } from '../../src/pipeline/target-schema.js';
import { parseJdbcUrl } from '../../src/connectors/jdbc/jdbc-url.js';

const YAML = `
source:
  type: mysql
  hostname: db
  port: 3306
  username: cdc
  password: secret
  tables: shop.\\.*
sink:
  type: postgres
  url: jdbc:postgresql://pg:5432/dw
route:
  - source-table: shop.orders_[0-9]+
    sink-table: ods.orders
  - source-table: shop.\\.*
    sink-table: ods.<>
    replace-symbol: <>
transform:
  - source-table: shop.customers
    projection: id, name AS full_name
    filter: id > 10 AND name IS NOT NULL
pipeline:
  name: sync
  parallelism: 2
  schema.change.behavior: ignore
  execution.checkpointing.interval: 5s
`;

const col = (name: string, dataType: string, more: Partial<SourceColumn> = {}): SourceColumn => ({
  name,
  native: { dialect: 'mysql', type: more.columnType ?? dataType },
  dataType,
  columnType: dataType,
  nullable: true,
  length: null,
  precision: null,
  scale: null,
  datetimePrecision: null,
  default: null,
  ...more,
});

describe('pipeline definitions', () => {
  it('reads source, sink, routes, transforms and pipeline settings', () => {
    const d = parsePipeline(YAML, 'p.yaml');
    expect(d.source.options.tables).toBe('shop.\\.*');
    expect(d.sink).toEqual({ type: 'postgres', url: 'jdbc:postgresql://pg:5432/dw' });
    expect(d.routes[0]!.sourceTable.test('shop.orders_12')).toBe(true);
    expect(d.routes[0]!.sourceTable.test('shop.orders')).toBe(false);
    expect(d.parallelism).toBe(2);
    expect(d.schemaChange).toBe('ignore');
    expect(d.settings).toEqual({ 'execution.checkpointing.interval': '5s' });
  });

  it('plans targets: routes in order, the replace symbol, projections renaming the key, DDL from the source types', () => {
    const d = parsePipeline(YAML, 'p.yaml');
    const tables = [
      {
        table: { qualifier: 'shop', table: 'orders_1', keyColumns: ['id'] },
        columns: [col('id', 'bigint', { nullable: false }), col('amount', 'decimal', { precision: 12, scale: 2, default: '0.00' })],
      },
      {
        table: { qualifier: 'shop', table: 'customers', keyColumns: ['id'] },
        columns: [
          col('id', 'int', { columnType: 'int(10) unsigned', nullable: false }),
          col('name', 'varchar', { length: 40, default: "'x'" }),
          col('extra', 'text'),
        ],
      },
    ];
    const plans = planTables(d, tables, parseJdbcUrl(d.sink.url));
    expect(plans.map((p) => p.route.target)).toEqual(['ods.orders', 'ods.customers']);
    expect(plans[0]!.ddl).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "ods"',
      'CREATE TABLE IF NOT EXISTS "ods"."orders" ("id" bigint NOT NULL, "amount" numeric(12,2) DEFAULT 0.00, PRIMARY KEY ("id"))',
    ]);
    expect(plans[1]!.ddl[1]).toBe(
      'CREATE TABLE IF NOT EXISTS "ods"."customers" ("id" bigint NOT NULL, "full_name" varchar(40) DEFAULT \'x\', PRIMARY KEY ("id"))',
    );
    expect(plans[1]!.route.key).toEqual(['id']);
    const f = plans[1]!.route.filter!;
    expect([f({ id: 11, name: 'a' }), f({ id: 10, name: 'a' }), f({ id: 11, name: null })]).toEqual([true, false, false]);
  });

  it('refuses a projection without the key, naming the table', () => {
    const d = parsePipeline(YAML.replace('projection: id, name AS full_name', 'projection: name'), 'p.yaml');
    const t = { table: { qualifier: 'shop', table: 'customers', keyColumns: ['id'] }, columns: [col('id', 'int'), col('name', 'text')] };
    expect(() => planTables(d, [t], parseJdbcUrl(d.sink.url))).toThrow(/pipeline transform of shop.customers: the projection leaves out key column id/);
  });

  it('takes booleans among the source options, as text', () => {
    const d = parsePipeline(YAML.replace('type: mysql', 'type: mysql\n  scan.newly-added-table.enabled: false'), 'p.yaml');
    expect(d.source.options['scan.newly-added-table.enabled']).toBe('false');
  });

  it("hands mysql-cdc's startup position and heartbeat options to the source, numbers as numbers", () => {
    const withOptions = (lines: string) => parsePipeline(YAML.replace('type: mysql', `type: mysql\n${lines}`), 'p.yaml');
    const specific = withOptions(
      '  scan.startup.mode: specific-offset\n  scan.startup.specific-offset.file: mysql-bin.000002\n  scan.startup.specific-offset.pos: 154\n  heartbeat.interval: 5s',
    );
    expect(pipelineSource(specific).source.bounded).toBe(false);
    expect(() => pipelineSource(withOptions('  scan.startup.mode: specific-offset\n  scan.startup.specific-offset.file: mysql-bin.000002'))).toThrow(
      /mysql-cdc: 'scan.startup.mode' = 'specific-offset' needs 'scan.startup.specific-offset.gtid-set', or both/,
    );
    expect(pipelineSource(withOptions('  scan.startup.mode: specific-offset\n  scan.startup.specific-offset.gtid-set: 0-1-154')).source.bounded).toBe(false);
    expect(() => pipelineSource(withOptions('  scan.startup.mode: timestamp\n  scan.startup.timestamp-millis: soon'))).toThrow(
      /pipeline source \(mysql\): option 'scan.startup.timestamp-millis' must be a number, not 'soon'/,
    );
  });

  it('reads the example under examples/', () => {
    const file = fileURLToPath(new URL('../../examples/mysql-to-postgres.yaml', import.meta.url));
    const d = parsePipeline(readFileSync(file, 'utf8'), file);
    expect([d.source.type, d.sink.type, d.routes.length, d.transforms.length, d.schemaChange]).toEqual(['mysql', 'postgres', 2, 1, 'evolve']);
    expect(d.routes[0]!.sourceTable.test('app_db.orders_3')).toBe(true);
  });

  it('names the file and the key in errors', () => {
    expect(() => parsePipeline('source: [', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
    expect(() => parsePipeline(YAML.replace('type: mysql', 'type: oracle'), 'p.yaml')).toThrow(
      /p\.yaml: source\.type 'oracle' is not supported yet \(mysql, mariadb, postgres\)/,
    );
    expect(() => parsePipeline(YAML.replace('type: postgres', 'type: mysql'), 'p.yaml')).toThrow(/sink\.type 'mysql' does not match sink\.url/);
    expect(() => parsePipeline(YAML.replace('schema.change.behavior: ignore', 'schema.change.behavior: lenient'), 'p.yaml')).toThrow(
      /pipeline\.schema\.change\.behavior 'lenient' is not one of exception, evolve, ignore/,
    );
    expect(() => parsePipeline(YAML.replace('projection: id, name AS full_name', 'projection: UPPER(name)'), 'p.yaml')).toThrow(
      /transform\[0\]\.projection: projection item 'UPPER\(name\)' is not a column/,
    );
    expect(() => parsePipeline(YAML + 'extra: 1\n', 'p.yaml')).toThrow(/unknown top-level key 'extra'/);
    expect(() => rowFilter('id LIKE 3', 'f')).toThrow(/f: filter condition 'id LIKE 3'/);
  });

  it('maps PostgreSQL types to MySQL types that hold every value, and keeps a type between databases of one kind', () => {
    const pgCol = (name: string, dataType: string, native: string, more: Partial<SourceColumn> = {}) =>
      col(name, dataType, { native: { dialect: 'postgres', type: native }, ...more });
    expect(mysqlType(pgCol('a', 'decimal', 'numeric(12,2)', { precision: 12, scale: 2 }), 't')).toBe('decimal(12,2)');
    expect(() => mysqlType(pgCol('a', 'decimal', 'numeric'), 't')).toThrow(/column a is numeric without a precision/);
    expect(mysqlType(pgCol('a', 'text', 'text'), 't')).toBe('longtext');
    expect(mysqlType(pgCol('a', 'datetime', 'timestamp(3) without time zone', { datetimePrecision: 3 }), 't')).toBe('datetime(3)');
    expect(mysqlType(pgCol('a', 'tinyint', 'boolean'), 't')).toBe('tinyint(1)');
    expect(columnDefinition('postgres', pgCol('a', 'datetime', 'timestamp(3) without time zone', { nullable: false }), (s) => s, 't')).toBe(
      'a timestamp(3) without time zone NOT NULL',
    );
  });

  it('maps MySQL types to PostgreSQL types that hold every value', () => {
    expect(postgresType(col('a', 'bigint', { columnType: 'bigint(20) unsigned' }), 't')).toBe('numeric(20)');
    expect(postgresType(col('a', 'int', { columnType: 'int(10) unsigned' }), 't')).toBe('bigint');
    expect(postgresType(col('a', 'datetime', { datetimePrecision: 3 }), 't')).toBe('timestamp(3)');
    expect(postgresType(col('a', 'enum', { columnType: "enum('a','b')" }), 't')).toBe('text');
    expect(postgresType(col('a', 'blob'), 't')).toBe('bytea');
    expect(() => postgresType(col('g', 'geometry'), 't')).toThrow(/t: column g of type geometry has no PostgreSQL type mapping yet/);
  });
});
