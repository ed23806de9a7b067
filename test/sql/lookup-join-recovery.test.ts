// A lookup join against a real PostgreSQL table in a job that fails twice mid-stream: it resumes
// from its checkpoints (rows still waiting for their query are asked again) and the exactly-once
// filesystem sink holds each expected row once.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import type { JobClient } from '../../src/index.js';
import { haveTestDatabases, postgresTest } from '../connectors/jdbc/jdbc-databases.js';

const available = await haveTestDatabases();
const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDERS = 800;

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

describe.skipIf(!available)('lookup join in checkpoints', () => {
  it('resumes after failures with every joined row once', async () => {
    const db = await postgresTest();
    const table = `lookup_rec_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name text)`);
    try {
      // Customers 0..49 exist; orders ask for 0..69 (LEFT: the missing ones padded).
      await db.query(`INSERT INTO ${table} SELECT g, 'c' || g FROM generate_series(0, 49) g`);
      const out = join(dir, 'out');
      const tEnv = TableEnvironment.create({
        'execution.checkpointing.interval': '20ms',
        'state.checkpoints.dir': join(dir, 'chk'),
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': 3,
        'restart-strategy.fixed-delay.delay': '1ms',
      });
      const seen = new Map<number, number>();
      // Fails past order 300 and again past 600, each time only once a checkpoint taken after order 1
      // was read has completed, so every restart must resume from a checkpoint, whatever the load.
      const failAt = [300, 600];
      const failedAt: number[] = [];
      let firstRowAt = Infinity;
      let client: JobClient | undefined;
      const checkpointedSinceFirstRow = () => (client?.checkpoints() ?? []).some((c) => c.status === 'COMPLETED' && c.triggeredAt > firstRowAt);
      tEnv.createTemporarySystemFunction(
        'PASS',
        (id: number) => {
          seen.set(id, (seen.get(id) ?? 0) + 1);
          if (id === 1) firstRowAt = Math.min(firstRowAt, Date.now());
          if (failAt.length > 0 && id >= failAt[0]! && checkpointedSinceFirstRow()) {
            failAt.shift();
            failedAt.push(id);
            throw new Error(`injected failure at order ${id}`);
          }
          return true;
        },
        'BOOLEAN',
      );
      tEnv.executeSql(`CREATE TABLE orders (id BIGINT, cid AS MOD(id * 7, 70), pt AS PROCTIME())
        WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ORDERS}', 'rows-per-second' = '2000')`);
      tEnv.executeSql(`CREATE TABLE customers (id BIGINT, name STRING, PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'jdbc', 'url' = '${db.url}', 'table-name' = '${table}', 'username' = '${db.username}')`);
      tEnv.executeSql(`CREATE TABLE sink (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`);
      const result = tEnv.executeSql(
        'INSERT INTO sink SELECT o.id, c.name FROM orders o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id WHERE PASS(o.id)',
      );
      client = result.jobClient;
      await result.await();
      expect(failedAt).toHaveLength(2);
      // Resumed from checkpoints, not from the start; the rows at the failures were read again.
      expect(seen.get(1)).toBe(1);
      for (const id of failedAt) expect(seen.get(id)).toBeGreaterThanOrEqual(2);
      const want = Array.from({ length: ORDERS }, (_, i) => {
        const id = i + 1;
        const cid = (id * 7) % 70;
        return `${id},${cid < 50 ? `c${cid}` : ''}`;
      });
      expect(lines(out).sort()).toEqual(want.sort());
    } finally {
      await db.query(`DROP TABLE ${table}`);
      await db.close();
    }
  });
});
