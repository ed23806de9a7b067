import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A private PostgreSQL server with wal_level=logical, in a temp directory, for one test file. */
export interface PgInstance {
  readonly port: number;
  readonly connection: { host: string; port: number; user: string; password: string; database: string };
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// initdb and postgres refuse to run as root: run them as the `postgres` user when we are root.
const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

/** Starts a server; the test user `weir` has REPLICATION and owns database `weir`. */
export async function startPostgres(): Promise<PgInstance> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'weir-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  execFileSync(...asPostgres(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']), { stdio: 'ignore' });
  const [cmd, args] = asPostgres(`${bin}/postgres`, [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-h',
    '127.0.0.1',
    '-c',
    'wal_level=logical',
    '-c',
    'max_replication_slots=10',
    '-c',
    'max_wal_senders=10',
    '-c',
    'fsync=off',
  ]);
  const server: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  const admin = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
  for (let i = 0; ; i++) {
    const c = new pg.Client(admin);
    try {
      await c.connect();
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (i > 300) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const a = new pg.Client(admin);
  await a.connect();
  await a.query(`CREATE ROLE weir LOGIN REPLICATION PASSWORD 'weir'`);
  await a.query('CREATE DATABASE weir OWNER weir');
  await a.end();
  const connection = { host: '127.0.0.1', port, user: 'weir', password: 'weir', database: 'weir' };
  const pool = new pg.Pool({ ...connection, max: 4 });
  return {
    port,
    connection,
    async query(sql, params) {
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async stop() {
      await pool.end();
      const exited = new Promise((r) => server.once('exit', r));
      // runuser does not pass signals on: pg_ctl stops the server itself.
      execFileSync(...asPostgres(`${bin}/pg_ctl`, ['-D', data, 'stop', '-m', 'immediate']), { stdio: 'ignore' });
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
