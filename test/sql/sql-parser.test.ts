// The parser's reading of Flink's DDL and query forms: what each statement becomes.
import { describe, expect, it } from 'vitest';
import { parseScript, parseStatement } from '../../src/sql/index.js';

describe('the SQL parser', () => {
  it('splits a script into statements, skipping comments and empty statements', () => {
    const script = "-- a table\nCREATE TABLE t (a INT) WITH ('connector' = 'blackhole');;\n/* the\n query */ SELECT a FROM t;\nSHOW TABLES";
    expect(parseScript(script).map((s) => s.statement.kind)).toEqual(['createTable', 'query', 'showTables']);
  });

  it('reads every part of a CREATE TABLE', () => {
    const { statement: s } = parseStatement(`CREATE TEMPORARY TABLE IF NOT EXISTS default_database.\`my orders\` (
      id BIGINT NOT NULL COMMENT 'the id',
      \`user name\` VARCHAR(20),
      price DOUBLE,
      ts TIMESTAMP(3),
      total AS price * 2,
      WATERMARK FOR ts AS ts - INTERVAL '2' MINUTE,
      CONSTRAINT pk PRIMARY KEY (id, \`user name\`) NOT ENFORCED
    ) COMMENT 'orders' WITH ('connector' = 'filesystem', 'path' = 'it''s/here', 'format' = 'csv')`);
    if (s.kind !== 'createTable') throw new Error(s.kind);
    expect(s.name.parts).toEqual(['default_database', 'my orders']);
    expect([s.temporary, s.ifNotExists]).toEqual([true, true]);
    expect(s.columns.map((c) => [c.name, c.type?.name ?? 'computed', c.notNull])).toEqual([
      ['id', 'BIGINT', true],
      ['user name', 'STRING', false],
      ['price', 'DOUBLE', false],
      ['ts', 'TIMESTAMP', false],
      ['total', 'computed', false],
    ]);
    expect(s.columns[1]!.type).toEqual({ name: 'STRING', precision: 20 });
    expect(s.watermark).toMatchObject({ column: 'ts', expr: { kind: 'binary', op: '-', right: { kind: 'interval', millis: 120_000 } } });
    expect(s.primaryKey).toEqual(['id', 'user name']);
    expect([...s.options]).toEqual([
      ['connector', 'filesystem'],
      ['path', "it's/here"],
      ['format', 'csv'],
    ]);
  });

  it('reads an inline PRIMARY KEY', () => {
    const { statement: s } = parseStatement("CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, v STRING) WITH ('connector' = 'print')");
    expect(s.kind === 'createTable' && s.primaryKey).toEqual(['id']);
  });

  it('requires NOT ENFORCED on a primary key, as Flink does', () => {
    expect(() => parseStatement("CREATE TABLE t (id INT, PRIMARY KEY (id)) WITH ('connector' = 'print')")).toThrow(
      'Weir does not enforce primary keys: expected NOT ENFORCED',
    );
  });

  it('gives operators their SQL precedence', () => {
    const { statement: s } = parseStatement('SELECT a + b * c = d OR NOT e AND f FROM t');
    if (s.kind !== 'query') throw new Error(s.kind);
    const e = s.query.items[0]!.expr;
    expect(e).toMatchObject({ op: 'OR', left: { op: '=', left: { op: '+', right: { op: '*' } } }, right: { op: 'AND', left: { kind: 'unary', op: 'NOT' } } });
  });

  it('reads SET, RESET, DROP, DESCRIBE and INSERT with a column list', () => {
    const kinds = parseScript("SET 'a.b' = 'c'; SET; RESET 'a.b'; RESET; DROP VIEW IF EXISTS v; DESC t; INSERT INTO t (x, y) SELECT 1, 2 FROM s").map(
      (p) => p.statement,
    );
    expect(kinds).toMatchObject([
      { kind: 'set', key: 'a.b', value: 'c' },
      { kind: 'set', key: undefined },
      { kind: 'reset', key: 'a.b' },
      { kind: 'reset', key: undefined },
      { kind: 'drop', what: 'VIEW', ifExists: true },
      { kind: 'describe' },
      { kind: 'insert', columns: ['x', 'y'] },
    ]);
  });
});
