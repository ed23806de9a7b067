// The state of an event-time temporal join (waiting orders, versions of the rates) is in
// checkpoints: a job that fails twice mid-stream resumes from its checkpoints and writes exactly
// the rows plain code expects, once each (the filesystem sink is exactly-once).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-temporal-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDERS = 600;
const RATES = 800;

function lines(path: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else
        out.push(
          ...readFileSync(join(d, e.name), 'utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
    }
  };
  walk(path);
  return out;
}

describe('temporal join state in checkpoints', () => {
  it('resumes from a checkpoint after failures with the results of a run without them', async () => {
    const out = join(dir, 'out');
    const tEnv = TableEnvironment.create({
      'execution.checkpointing.interval': '20ms',
      'state.checkpoints.dir': join(dir, 'chk'),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    // Order i at second i, rate change v at 0.7 s * v: the rate of currency c at second i is the
    // latest change v with v % 3 = c and 700 v <= 1000 i.
    const seen = new Map<number, number>();
    const failAt = new Set([300, 500]);
    tEnv.createTemporarySystemFunction(
      'PASS',
      (id: number) => {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (failAt.delete(id)) throw new Error(`injected failure at order ${id}`);
        return true;
      },
      'BOOLEAN',
    );
    const gen = (col: string, end: number) =>
      `'connector' = 'datagen', 'fields.${col}.kind' = 'sequence', 'fields.${col}.start' = '1', 'fields.${col}.end' = '${end}', 'rows-per-second' = '4000'`;
    tEnv.executeSql(`CREATE TABLE orders (id BIGINT, cur AS MOD(id, 3), ts AS TO_TIMESTAMP_LTZ(id * 1000, 3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
      WITH (${gen('id', ORDERS)})`);
    tEnv.executeSql(`CREATE TABLE rates (v BIGINT, cur AS MOD(v, 3), ts AS TO_TIMESTAMP_LTZ(v * 700, 3), PRIMARY KEY (cur) NOT ENFORCED,
      WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH (${gen('v', RATES)})`);
    tEnv.executeSql(`CREATE TABLE sink (id BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
    await tEnv
      .executeSql('INSERT INTO sink SELECT o.id, r.v FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur WHERE PASS(o.id)')
      .await();
    expect(failAt.size).toBe(0);
    // Resumed from checkpoints, not from the start: the first orders were read once.
    expect(seen.get(1)).toBe(1);
    const want: string[] = [];
    for (let i = 1; i <= ORDERS; i++) {
      let v = 0;
      for (let c = 1; c <= RATES && 700 * c <= 1000 * i; c++) if (c % 3 === i % 3) v = c;
      if (v > 0) want.push(`${i},${v}`);
    }
    expect(lines(out).sort()).toEqual(want.sort());
  });
});
