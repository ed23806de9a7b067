// The CDC benchmark's server CPU figure, against the private servers the benchmark itself starts.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serverCpuSeconds, serverPid } from '../../bench/cdc/server-cpu.js';
import { startMariadb } from '../connectors/mysql-cdc/mariadb-instance.js';
import { startPostgres } from '../connectors/postgres-cdc/pg-instance.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serverCpuSeconds', () => {
  it('finds the postmaster, and counts a backend while it runs and after it exits', async () => {
    const server = await startPostgres();
    try {
      const pid = serverPid('postgres', server.port);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/\/postgres$/);
      const t0 = Date.now();
      const before = serverCpuSeconds(pid);
      const c = new pg.Client(server.connection);
      c.on('error', () => {});
      await c.connect();
      const backend = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
      await c.query('SELECT sum(g::numeric * g) FROM generate_series(1, 3000000) g');
      const during = serverCpuSeconds(pid);
      // The query's CPU is in; the whole server cannot have used more than both cores all along (plus a clock tick per process).
      expect(during - before).toBeGreaterThan(0.1);
      expect(during - before).toBeLessThan((2 * (Date.now() - t0)) / 1000 + 0.2);
      await c.end();
      for (let i = 0; i < 500 && readProc(backend); i++) await sleep(20);
      expect(readProc(backend)).toBe(false);
      // The backend's time moved to the postmaster's reaped children's: still counted.
      expect(serverCpuSeconds(pid)).toBeGreaterThanOrEqual(during);
    } finally {
      await server.stop();
    }
    expect(() => serverPid('postgres', server.port)).toThrow(/no postgres server/);
  });

  it('counts all of mariadbd', async () => {
    const server = await startMariadb();
    try {
      const pid = serverPid('mariadb', server.port);
      const before = serverCpuSeconds(pid);
      await server.query('SELECT sum(seq * seq) FROM seq_1_to_5000000');
      expect(serverCpuSeconds(pid) - before).toBeGreaterThan(0.1);
    } finally {
      await server.stop();
    }
  });
});

function readProc(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}
