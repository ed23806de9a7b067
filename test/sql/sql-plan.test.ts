// The plan a query becomes: one compiled step per SELECT, none for reading generated rows, and the
// sink's column order and types computed in the query's own step.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql("CREATE TABLE s (id BIGINT, label STRING) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100')");
  return t;
}

describe('SQL plans', () => {
  it('read generated rows without a conversion step and run WHERE and SELECT in one sqlCalc', () => {
    const plan = JSON.parse(tEnv().sqlQuery('SELECT id + 1 AS next FROM s WHERE id > 10').explain()) as { nodes: { kind: string; params?: Record<string, string> }[] };
    expect(plan.nodes.map((n) => n.kind)).toEqual(['source', 'sqlCalc', 'sink']);
    expect(plan.nodes[1]!.params).toEqual({ where: 'id > 10', select: 'id + 1 AS next' });
  });

  it('add no step for SELECT * and one for a SELECT * with WHERE', () => {
    const t = tEnv();
    expect((JSON.parse(t.sqlQuery('SELECT * FROM s').explain()) as { nodes: { kind: string }[] }).nodes.map((n) => n.kind)).toEqual(['source', 'sink']);
    expect((JSON.parse(t.sqlQuery('SELECT * FROM s WHERE id > 3').explain()) as { nodes: { kind: string; params?: object }[] }).nodes[1]).toMatchObject({ kind: 'sqlCalc', params: { where: 'id > 3' } });
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
});
