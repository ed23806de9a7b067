// The SQL surface of mysql-cdc, postgres-cdc and jdbc without a database: options checked by name,
// PRIMARY KEY required, METADATA columns, the changelog the planner derives, the planner's error
// for an updating query into a jdbc table without a key, and plans without the password.
import { describe, expect, it } from 'vitest';
import '../../../src/index.js';
import { TableEnvironment } from '../../../src/sql/index.js';
import { cdcRowConverter } from '../../../src/sql/connectors/cdc-row-converter.js';
import { T } from '../../../src/sql/sql-types.js';

const mysqlCdc = (cols: string, extra = '') =>
  `CREATE TABLE src (${cols}) WITH ('connector' = 'mysql-cdc', 'hostname' = 'db', 'username' = 'cdc', 'password' = 's3cr3t-pw', 'database-name' = 'shop', 'table-name' = 'orders'${extra})`;
const jdbc = (cols: string, url = 'jdbc:postgresql://db:5432/shop?password=s3cr3t-pw') =>
  `CREATE TABLE dst (${cols}) WITH ('connector' = 'jdbc', 'url' = '${url}', 'table-name' = 'orders_copy', 'password' = 's3cr3t-pw')`;

describe('CDC and jdbc tables in SQL', () => {
  it('plans a CDC table as a changelog into a jdbc upsert sink, with metadata columns and without the password', async () => {
    const t = TableEnvironment.create();
    t.executeSql(
      mysqlCdc(
        "id BIGINT, amount DOUBLE, ts TIMESTAMP(3) METADATA FROM 'op_ts' VIRTUAL, db STRING METADATA FROM 'database_name' VIRTUAL, PRIMARY KEY (id) NOT ENFORCED",
      ),
    );
    t.executeSql(jdbc('id BIGINT, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED'));
    expect((await t.executeSql('DESCRIBE src').collect()).map((r) => r.extras)).toEqual([
      null,
      null,
      "METADATA FROM 'op_ts' VIRTUAL",
      "METADATA FROM 'database_name' VIRTUAL",
    ]);
    expect(t.sqlQuery('SELECT id, ts, db FROM src').columns.map((c) => `${c.name} ${c.type.name}`)).toEqual(['id BIGINT', 'ts TIMESTAMP', 'db STRING']);
    const plan = await t.executeSql('EXPLAIN INSERT INTO dst SELECT id, amount FROM src').format();
    expect(plan).toMatch(/mysql-cdc: src .*changelogMode=\[I,UB,UA,D\]/);
    expect(plan).not.toContain('s3cr3t-pw');
    // A GROUP BY over the CDC table takes its rows back (retracting MIN/MAX), into an upsert table.
    t.executeSql(
      "CREATE TABLE agg (id BIGINT, n BIGINT, top DOUBLE, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mariadb://db/shop', 'table-name' = 'agg')",
    );
    expect(await t.executeSql('EXPLAIN INSERT INTO agg SELECT id, COUNT(*), MAX(amount) FROM src GROUP BY id').format()).toMatch(/GroupAggregate/);
  });

  it('keys an upsert sink with several subtasks by its primary key', async () => {
    const t = TableEnvironment.create({ parallelism: 2 });
    t.executeSql(mysqlCdc('id BIGINT, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED'));
    t.executeSql(jdbc('id BIGINT, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED'));
    expect(await t.executeSql('EXPLAIN INSERT INTO dst SELECT id, amount FROM src').format()).toMatch(/jdbc dst.* input=hash/);
  });

  it('refuses an updating query into a jdbc table without a key, and appends an insert-only one', async () => {
    const t = TableEnvironment.create();
    t.executeSql(mysqlCdc('id BIGINT, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED'));
    t.executeSql(jdbc('id BIGINT, amount DOUBLE'));
    expect(() => t.executeSql('EXPLAIN INSERT INTO dst SELECT id, amount FROM src')).toThrow(
      /doesn't support consuming update and delete changes which are produced by node TableSourceScan\(table=\[\[default_catalog, default_database, src\]\]\).*Declare PRIMARY KEY \(\.\.\.\) NOT ENFORCED on 'dst'/,
    );
    t.executeSql("CREATE TABLE nums (id BIGINT, amount DOUBLE) WITH ('connector' = 'datagen', 'number-of-rows' = '3')");
    expect(await t.executeSql('EXPLAIN INSERT INTO dst SELECT id, amount FROM nums').format()).toMatch(/jdbc dst .*changelogMode=\[I\]/);
  });

  it('names what is wrong with a CDC table', () => {
    const t = TableEnvironment.create();
    const plan = (ddl: string) => {
      t.executeSql('DROP TABLE IF EXISTS src');
      t.executeSql(ddl);
      return () => t.sqlQuery('SELECT * FROM src');
    };
    expect(() => t.executeSql(mysqlCdc('id BIGINT', ", 'hostnme' = 'x'"))).toThrow(
      /unsupported option 'hostnme' for connector 'mysql-cdc'; did you mean 'hostname'\?/,
    );
    expect(() => t.executeSql(mysqlCdc("id BIGINT, x STRING METADATA FROM 'op_tss'"))).toThrow(
      /connector 'mysql-cdc' has no metadata 'op_tss' \(column 'x'\); did you mean 'op_ts'\?/,
    );
    expect(() => t.executeSql(mysqlCdc("id BIGINT, x STRING METADATA FROM 'schema_name'"))).toThrow(/available: op_ts, database_name, table_name/);
    expect(plan(mysqlCdc('id BIGINT'))).toThrow(/connector 'mysql-cdc' needs PRIMARY KEY \(\.\.\.\) NOT ENFORCED/);
    expect(plan(mysqlCdc('a BIGINT, b BIGINT, PRIMARY KEY (a, b) NOT ENFORCED'))).not.toThrow();
    expect(plan(mysqlCdc('a BIGINT, b BIGINT, PRIMARY KEY (a, b) NOT ENFORCED', ", 'schema.change.behavior' = 'sometimes'"))).toThrow(
      /'schema.change.behavior' = 'sometimes' is not one of exception, evolve, ignore/,
    );
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'heartbeat.interval' = '30s'"))).not.toThrow();
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'heartbeat.interval' = 'often'"))).toThrow(
      /mysql-cdc: 'heartbeat.interval': Invalid duration/,
    );
    expect(
      plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '1700000000000'")),
    ).not.toThrow();
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = 'noon'"))).toThrow(
      /option 'scan.startup.timestamp-millis' must be a number, not 'noon'/,
    );
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'timestamp'"))).toThrow(
      /Table 'src': mysql-cdc: 'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis'/,
    );
    const offset = ", 'scan.startup.mode' = 'specific-offset', 'scan.startup.specific-offset.file' = 'mysql-bin.000002'";
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', `${offset}, 'scan.startup.specific-offset.pos' = '154'`))).not.toThrow();
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', offset))).toThrow(
      /or both 'scan.startup.specific-offset.file' and 'scan.startup.specific-offset.pos'/,
    );
    expect(
      plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'specific-offset', 'scan.startup.specific-offset.gtid-set' = '0-1-9'")),
    ).not.toThrow();
    expect(
      plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'latest-offset', 'scan.startup.specific-offset.gtid-set' = '0-1-9'")),
    ).toThrow(/need 'scan.startup.mode' = 'specific-offset', not 'latest-offset'/);
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.startup.mode' = 'committed-offset'"))).toThrow(
      /Table 'src': mysql-cdc: 'scan.startup.mode' = 'committed-offset' is not one of initial, latest-offset, earliest-offset, specific-offset, timestamp, snapshot/,
    );
    // Read as a number and checked by the source: a value the source refuses names the option.
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'chunk-key.even-distribution.factor.upper-bound' = '2.5'"))).not.toThrow();
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'chunk-key.even-distribution.factor.upper-bound' = '0.5'"))).toThrow(
      /mysql-cdc: 'chunk-key.even-distribution.factor.upper-bound' must be 0 \(off\) or a number from 1 on, got 0.5/,
    );
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'chunk-key.even-distribution.factor.lower-bound' = '0.05'"))).toThrow(
      /option 'chunk-key.even-distribution.factor.lower-bound' of connector 'mysql-cdc' is not supported yet/,
    );
    expect(plan(mysqlCdc('id BIGINT PRIMARY KEY NOT ENFORCED', ", 'scan.snapshot.fetch.size' = '0'"))).toThrow(
      /'scan.snapshot.fetch.size' must be a positive integer/,
    );
    expect(() =>
      t.executeSql(
        "CREATE TABLE p (id BIGINT PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'db', 'username' = 'u', 'database-name' = 'd', 'table-name' = 't', 'slot.nam' = 's')",
      ),
    ).toThrow(/did you mean 'slot.name'\?/);
    t.executeSql(
      "CREATE TABLE p2 (id BIGINT PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'db', 'username' = 'u', 'database-name' = 'd', 'table-name' = 't')",
    );
    expect(() => t.sqlQuery('SELECT * FROM p2')).toThrow(/postgres-cdc: option 'slot.name' is required/);
    t.executeSql(
      "CREATE TABLE p3 (id BIGINT PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'db', 'username' = 'u', 'database-name' = 'd', 'table-name' = 't', 'slot.name' = 's', 'heartbeat.interval' = 'often')",
    );
    expect(() => t.sqlQuery('SELECT * FROM p3')).toThrow(/postgres-cdc: 'heartbeat.interval': Invalid duration: 'often'/);
    t.executeSql(
      "CREATE TABLE p5 (id BIGINT PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'db', 'username' = 'u', 'database-name' = 'd', 'table-name' = 't', 'slot.name' = 's', 'scan.startup.timestamp-millis' = '5')",
    );
    expect(() => t.sqlQuery('SELECT * FROM p5')).toThrow(/option 'scan.startup.timestamp-millis' of connector 'postgres-cdc' is not supported yet/);
    t.executeSql(
      "CREATE TABLE p4 (id BIGINT PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'postgres-cdc', 'hostname' = 'db', 'username' = 'u', 'database-name' = 'd', 'table-name' = 't', 'slot.name' = 's', 'scan.newly-added-table.enabled' = 'true', 'scan.startup.mode' = 'snapshot')",
    );
    expect(() => t.sqlQuery('SELECT * FROM p4')).toThrow(/postgres-cdc: 'scan.newly-added-table.enabled' needs 'scan.startup.mode' = 'initial'/);
  });

  it('names what is wrong with a jdbc table, without the password', () => {
    const t = TableEnvironment.create();
    t.executeSql("CREATE TABLE nums (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')");
    const insert = (ddl: string) => {
      t.executeSql('DROP TABLE IF EXISTS dst');
      t.executeSql(ddl);
      return () => t.executeSql('EXPLAIN INSERT INTO dst SELECT id FROM nums');
    };
    expect(insert(jdbc('id BIGINT', 'jdbc:oracle:thin:@db:1521/x?password=s3cr3t-pw'))).toThrow(
      /not a jdbc:postgresql:\/\/, jdbc:mysql:\/\/ or jdbc:mariadb:\/\/ URL/,
    );
    expect(insert(jdbc('id BIGINT', 'jdbc:oracle:thin:@db:1521/x?password=s3cr3t-pw'))).not.toThrow(/s3cr3t-pw/);
    expect(insert("CREATE TABLE dst (id BIGINT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db/x')")).toThrow(/jdbc: option 'table-name' is required/);
    expect(() =>
      t.executeSql("CREATE TABLE d2 (id BIGINT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db/x', 'sink.buffer-flush.max-row' = '5')"),
    ).toThrow(/did you mean 'sink.buffer-flush.max-rows'\?/);
    expect(() =>
      t.executeSql(
        "CREATE TABLE d3 (id BIGINT, ts TIMESTAMP(3) METADATA FROM 'op_ts') WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db/x', 'table-name' = 'x')",
      ),
    ).toThrow(/connector 'jdbc' has no metadata 'op_ts'/);
  });

  it('converts database values to the declared types, and fails naming a column the change lacks', () => {
    const convert = cdcRowConverter(
      'src',
      [
        { name: 'id', type: T.BIGINT, nullable: false },
        { name: 'price', type: T.STRING, nullable: true },
        { name: 'amount', type: T.DOUBLE, nullable: true },
        { name: 'at', type: T.TIMESTAMP, nullable: true },
        { name: 'flag', type: T.BOOLEAN, nullable: true },
        { name: 'doc', type: T.STRING, nullable: true },
        { name: 'ts', type: T.TIMESTAMP, nullable: true },
      ],
      new Map([['ts', 'op_ts']]),
      ['id'],
    );
    const local = new Date(2024, 1, 29, 23, 59, 58, 123);
    expect(convert({ id: '9007199254740991', price: '12.30', amount: '0.5', at: local, flag: 1, doc: { a: [1] }, op_ts: 5 })).toEqual({
      id: 9007199254740991,
      price: '12.30',
      amount: 0.5,
      at: Date.UTC(2024, 1, 29, 23, 59, 58, 123),
      flag: true,
      doc: '{"a":[1]}',
      ts: 5,
    });
    expect(convert({ id: 1, price: null, amount: null, at: '2024-02-29 23:59:58.123456', flag: 'f', doc: null, op_ts: 0 }).at).toBe(
      Date.UTC(2024, 1, 29, 23, 59, 58, 123),
    );
    expect(() => convert({ id: '9007199254740993', price: null, amount: null, at: null, flag: null, doc: null, op_ts: 0 })).toThrow(
      /Column 'id': '9007199254740993' from the database is not a BIGINT Weir keeps exactly/,
    );
    // A TOAST value left out of an update: never a NULL in the sink.
    expect(() => convert({ id: 1, price: undefined, amount: 1, at: null, flag: null, doc: null, op_ts: 0 })).toThrow(
      /column 'price' is not in the change read from the database/,
    );
    // The old row of a delete under the default REPLICA IDENTITY holds only the key.
    expect(convert({ id: 1, op_ts: 0 })).toEqual({ id: 1, price: null, amount: null, at: null, flag: null, doc: null, ts: 0 });
  });
});
