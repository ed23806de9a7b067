// The pipeline definition (YAML) and the plan made from it, without a database: options checked
// with errors naming the file and key, Flink CDC 3's table patterns, routes with a replace symbol,
// projections and filters, target DDL with the MySQL -> PostgreSQL type mapping.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/pipeline/pipeline-definition.js';
import { RowKind } from '../../src/core/row-kind.js';
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
    const f = plans[1]!.route.evaluate!;
    const passes = (r: Record<string, unknown>) => f(r, RowKind.INSERT) !== undefined;
    expect([passes({ id: 11, name: 'a' }), passes({ id: 10, name: 'a' }), passes({ id: 11, name: null })]).toEqual([true, false, false]);
  });

  describe('expressions in transforms', () => {
    const orders = {
      table: { qualifier: 'shop', table: 'orders', keyColumns: ['id'] },
      columns: [
        col('id', 'bigint', { nullable: false }),
        col('customer', 'varchar', { columnType: 'varchar(40)', length: 40, nullable: false }),
        col('amount', 'decimal', { precision: 12, scale: 2 }),
        col('note', 'text'),
        col('active', 'tinyint', { columnType: 'tinyint(1)' }),
        col('photo', 'blob'),
      ],
    };
    const withTransform = (projection: string, filter?: string) =>
      parsePipeline(
        YAML.replace(
          /transform:[\s\S]*?pipeline:/,
          `transform:\n  - source-table: shop.orders\n    projection: ${projection}\n${filter ? `    filter: ${filter}\n` : ''}pipeline:`,
        ),
        'p.yaml',
      );
    const plan = (projection: string, filter?: string, sink = 'jdbc:postgresql://pg:5432/dw') =>
      planTables(withTransform(projection, filter), [orders], parseJdbcUrl(sink))[0]!;

    it('computes columns and filters rows by SQL over the source types and the metadata columns', () => {
      const p = plan(
        String.raw`\*, UPPER(customer) AS customer_uc, amount * 1.2 AS gross, COALESCE(note, 'none') AS note2, CASE WHEN amount > 100 THEN 'big' ELSE 'small' END AS size, __table_name__ AS src_table, __schema_name__ || '.' || __table_name__ AS src, __data_event_type__ AS op`,
        "amount > 100 AND customer LIKE 'a%' AND active = 1",
      );
      expect(p.ddl[1]).toBe(
        'CREATE TABLE IF NOT EXISTS "ods"."orders" ("id" bigint NOT NULL, "customer" varchar(40) NOT NULL, "amount" numeric(12,2), "note" text, "active" smallint, "photo" bytea, ' +
          '"customer_uc" text, "gross" numeric(14,3), "note2" text, "size" text, "src_table" text, "src" text, "op" text, PRIMARY KEY ("id"))',
      );
      const row = { id: 1, customer: 'anna', amount: '150.50', note: null, active: 1, photo: Buffer.from('x'), table_name: 'orders', database_name: 'shop' };
      expect(p.route.evaluate!(row, RowKind.UPDATE_AFTER)).toEqual({
        customer_uc: 'ANNA',
        gross: '180.600',
        note2: 'none',
        size: 'big',
        src_table: 'orders',
        src: 'shop.orders',
        op: '+U',
      });
      expect(p.route.evaluate!({ ...row, amount: '99.99' }, RowKind.INSERT)).toBeUndefined();
      expect(p.route.evaluate!({ ...row, customer: 'bob' }, RowKind.INSERT)).toBeUndefined();
      expect(p.route.evaluate!({ ...row, amount: null }, RowKind.INSERT)).toBeUndefined();
      expect(p.route.projection).toEqual({ star: true, columns: [] });
      expect(p.computed.get('gross')).toBe('"gross" numeric(14,3)');
    });

    it('maps computed columns to MySQL types, keeps plain columns as they are, and a plain projection without a filter computes nothing', () => {
      const p = plan('id, customer AS who, amount + 1 AS more, id > 5 AS big', undefined, 'jdbc:mysql://db:3306/dw');
      expect(p.ddl[1]).toBe(
        'CREATE TABLE IF NOT EXISTS `ods`.`orders` (`id` bigint NOT NULL, `who` varchar(40) NOT NULL, `more` decimal(13,2), `big` tinyint(1), PRIMARY KEY (`id`))',
      );
      expect(p.route.evaluate!({ id: 7, customer: 'x', amount: '1.50' }, RowKind.INSERT)).toEqual({ more: '2.50', big: true });
      const bare = plan('id, customer AS who');
      expect(bare.route.evaluate).toBeUndefined();
      expect(bare.route.projection).toEqual({
        star: false,
        columns: [
          { from: 'id', to: 'id' },
          { from: 'customer', to: 'who' },
        ],
      });
    });

    it('types a PostgreSQL source as SQL does (boolean, timestamptz) and names its database as the namespace', () => {
      const pgCol = (name: string, dataType: string, native: string, more: Partial<SourceColumn> = {}) =>
        col(name, dataType, { native: { dialect: 'postgres', type: native }, columnType: native, ...more });
      const d = parsePipeline(
        YAML.replace(/source:[\s\S]*?sink:/, 'source:\n  type: postgres\n  database-name: app\n  tables: public.\\.*\nsink:').replace(
          /transform:[\s\S]*?pipeline:/,
          "transform:\n  - source-table: public.t\n    projection: id, paid, at + INTERVAL '1' HOUR AS later, __namespace_name__ || '/' || __schema_name__ AS ns\n    filter: paid AND __data_event_type__ = '+I'\npipeline:",
        ),
        'p.yaml',
      );
      const t = {
        table: { qualifier: 'public', table: 't', keyColumns: ['id'] },
        columns: [
          pgCol('id', 'int', 'integer', { nullable: false }),
          pgCol('paid', 'tinyint', 'boolean', { columnType: 'tinyint(1)' }),
          pgCol('at', 'datetime', 'timestamp(3) with time zone', { datetimePrecision: 3 }),
        ],
      };
      const [p] = planTables(d, [t], parseJdbcUrl(d.sink.url));
      expect(p!.ddl[1]).toBe(
        'CREATE TABLE IF NOT EXISTS "public"."t" ("id" integer NOT NULL, "paid" boolean, "later" timestamptz(3), "ns" text, PRIMARY KEY ("id"))',
      );
      const row = { id: 1, paid: true, at: new Date('2024-05-01T10:00:00.123Z'), schema_name: 'public', table_name: 't' };
      expect(p!.route.evaluate!(row, RowKind.INSERT)).toEqual({ later: '2024-05-01 11:00:00.123+00', ns: 'app/public' });
      expect(p!.route.evaluate!(row, RowKind.UPDATE_AFTER)).toBeUndefined();
      expect(p!.route.evaluate!({ ...row, paid: false }, RowKind.INSERT)).toBeUndefined();
    });

    it('names the rule, the expression and the table in errors, at the start', () => {
      expect(() => plan('id, UPPER(custmer) AS c')).toThrow(
        /p\.yaml: transform\[0\]\.projection: 'UPPER\(custmer\)' \(table shop\.orders\): Column 'custmer' not found in table shop\.orders; did you mean 'customer'\?/,
      );
      expect(() => plan('id, custmer AS c')).toThrow(
        /projection: 'custmer' \(table shop\.orders\): Column 'custmer' not found in table shop\.orders; did you mean 'customer'\?/,
      );
      expect(() => plan('id, amount + customer AS c')).toThrow(/p\.yaml: transform\[0\]\.projection: 'amount \+ customer' \(table shop\.orders\): /);
      expect(() => plan('id', 'amount + 1')).toThrow(
        /p\.yaml: transform\[0\]\.filter: 'amount \+ 1' \(table shop\.orders\) is DECIMAL\(13, 2\), not a BOOLEAN condition/,
      );
      expect(() => plan('id, LENGTH(photo) AS n')).toThrow(/column photo of shop\.orders \(blob\) cannot be used in an expression/);
      expect(() => plan('CAST(id AS STRING) AS id, customer')).toThrow(/the projection leaves out key column id/);
      expect(() => plan(String.raw`\*, UPPER(customer) AS customer`)).toThrow(/column customer of shop\.orders is written twice/);
      expect(() => withTransform('id, (customer AS c')).toThrow(
        /p\.yaml: transform\[0\]\.projection: 'id, \(customer AS c': Expected '\)' but found 'AS' \(line 1, column 15\)/,
      );
      expect(() => withTransform('id', 'amount >')).toThrow(/p\.yaml: transform\[0\]\.filter: 'amount >': Expected an expression/);
      expect(() => withTransform('id, id AS id')).toThrow(/column id is named twice/);
    });
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
    expect([d.source.type, d.sink.type, d.routes.length, d.transforms.length, d.schemaChange]).toEqual(['mysql', 'postgres', 2, 2, 'evolve']);
    expect(d.routes[0]!.sourceTable.test('app_db.orders_3')).toBe(true);
    const orders = { qualifier: 'app_db', table: 'orders_3', keyColumns: ['id'] };
    const [plan] = planTables(
      d,
      [{ table: orders, columns: [col('id', 'bigint'), col('amount', 'decimal', { precision: 12, scale: 2 }), col('note', 'text')] }],
      parseJdbcUrl(d.sink.url),
    );
    expect(plan!.ddl[1]).toMatch(/"gross" numeric\(14,3\), "note_text" text, PRIMARY KEY/);
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
      /p\.yaml: transform\[0\]\.projection: 'UPPER\(name\)' needs a name: write 'UPPER\(name\) AS name'/,
    );
    expect(() => parsePipeline(YAML + 'extra: 1\n', 'p.yaml')).toThrow(/unknown top-level key 'extra'/);
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
