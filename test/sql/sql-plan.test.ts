// The plan a query becomes: one compiled step per SELECT, none for reading generated rows, and the
// sink's column order and types computed in the query's own step.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql(
    "CREATE TABLE s (id BIGINT, label STRING) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100')",
  );
  return t;
}

describe('SQL plans', () => {
  it('read generated rows without a conversion step and run WHERE and SELECT in one sqlCalc', () => {
    const plan = JSON.parse(tEnv().sqlQuery('SELECT id + 1 AS next FROM s WHERE id > 10').explain()) as {
      nodes: { kind: string; params?: Record<string, string> }[];
    };
    expect(plan.nodes.map((n) => n.kind)).toEqual(['source', 'sqlCalc', 'sink']);
    expect(plan.nodes[1]!.params).toEqual({ where: 'id > 10', select: 'id + 1 AS next' });
  });

  it('add no step for SELECT * and one for a SELECT * with WHERE', () => {
    const t = tEnv();
    expect((JSON.parse(t.sqlQuery('SELECT * FROM s').explain()) as { nodes: { kind: string }[] }).nodes.map((n) => n.kind)).toEqual(['source', 'sink']);
    expect((JSON.parse(t.sqlQuery('SELECT * FROM s WHERE id > 3').explain()) as { nodes: { kind: string; params?: object }[] }).nodes[1]).toMatchObject({
      kind: 'sqlCalc',
      params: { where: 'id > 3' },
    });
  });

  it('write an INSERT through the query step straight into the sink', async () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE out_t (label STRING, id BIGINT, missing INT) WITH ('connector' = 'blackhole')");
    const result = await t.executeSql('INSERT INTO out_t (id, label) SELECT id * 2, UPPER(label) FROM s WHERE id <= 10').jobClient!.result;
    expect(result.metrics.map((m) => [m.name.replace(/\(.*/, ''), m.recordsIn, m.recordsOut])).toEqual([
      ['datagen: s', 100, 100],
      ['Calc', 100, 10],
      ['Blackhole', 10, 0],
    ]);
  });

  it('run GROUP BY as a keyed sqlGroupAggregate behind a hash exchange, and its SELECT in a sqlCalc', () => {
    const plan = JSON.parse(tEnv().sqlQuery('SELECT label, COUNT(*) * 2 AS twice FROM s GROUP BY label').explain()) as {
      nodes: { kind: string; keyed: boolean; changelog: string; inputs: { partitioner: string }[][] }[];
    };
    expect(plan.nodes.map((n) => [n.kind, n.changelog])).toEqual([
      ['source', 'insert-only'],
      ['sqlGroupAggregate', 'changelog'],
      ['sqlCalc', 'changelog'],
      ['sink', 'changelog'],
    ]);
    expect(plan.nodes[1]).toMatchObject({ keyed: true, inputs: [[{ partitioner: 'hash' }]] });
  });

  it('run HOP windows on shared slices and TUMBLE and CUMULATE on window operators, insert-only', () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE e (k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    const kinds = (fn: string) =>
      (
        JSON.parse(t.sqlQuery(`SELECT window_end, k, COUNT(*) FROM TABLE(${fn}) GROUP BY window_start, window_end, k`).explain()) as {
          nodes: { kind: string; changelog: string }[];
        }
      ).nodes.map((n) => `${n.kind}:${n.changelog}`);
    expect(kinds("HOP(TABLE e, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND)")).toContain('slicedWindow:insert-only');
    expect(kinds("TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '5' SECOND)")).toContain('slicedWindow:insert-only');
    expect(kinds("CUMULATE(TABLE e, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND)")).toContain('window:insert-only');
  });
});

describe('EXPLAIN', () => {
  it('prints the operator tree from the sink down with each changelog mode, then the plan as JSON', async () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE out_t (label STRING, n BIGINT) WITH ('connector' = 'print')");
    const [row] = await t.executeSql('EXPLAIN INSERT INTO out_t SELECT label, COUNT(*) FROM s WHERE id > 3 GROUP BY label').collect();
    const lines = String(row!.plan).split('\n');
    expect(lines[0]).toBe('== Physical Plan ==');
    expect(lines[1]).toMatch(/^Print \[sink\] parallelism=1 chain=1 changelogMode=\[I,UB,UA,D\]$/);
    expect(lines[2]).toMatch(/^\+- Calc\(.*\) \[sqlCalc, .*changelogMode=\[I,UB,UA,D\]$/);
    expect(lines[3]).toMatch(
      /^ {3}\+- GroupAggregate\(groupBy=\[label\], select=\[COUNT\(\*\)\]\) \[sqlGroupAggregate, keyed, .*input=hash changelogMode=\[I,UB,UA,D\]$/,
    );
    expect(lines[4]).toMatch(/^ {6}\+- Calc\(where=\[id > 3\]\) .*changelogMode=\[I\]$/);
    expect(lines[5]).toMatch(/^ {9}\+- datagen: s \[source\] .*changelogMode=\[I\]$/);
    expect(String(row!.plan)).toContain('== Plan as JSON ==');
  });

  it('explains a SELECT too (EXPLAIN PLAN FOR)', async () => {
    const [row] = await tEnv().executeSql('EXPLAIN PLAN FOR SELECT id FROM s WHERE id > 1').collect();
    expect(String(row!.plan)).toMatch(/Calc\(select=\[id\], where=\[id > 1\]\) \[sqlCalc, where=id > 1, select=id\] parallelism=1 chain=0 changelogMode=\[I\]/);
  });
});
