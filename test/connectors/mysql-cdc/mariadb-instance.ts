import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

/** A private MariaDB server with the binlog on (ROW, FULL images), in a temp directory, for one test file. */
export interface MariadbInstance {
  readonly port: number;
  /** The user `weir` (REPLICATION SLAVE, REPLICATION CLIENT, SELECT on database `weir`). */
  readonly connection: { host: string; port: number; user: string; password: string; database: string };
  /** Runs SQL as root in database `weir`. */
  query<R = mysql.RowDataPacket>(sql: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
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

// mariadbd refuses to run as root unless told to.
const asUser = (): string[] => (process.getuid?.() === 0 ? ['--user=root'] : []);

/**
 * Bootstraps a data directory. Once, on a loaded machine, the bootstrap failed for a reason its
 * silenced output hid: it now says why, and a failed bootstrap is tried once more on a fresh directory.
 */
function installDb(data: string): void {
  const args = ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asUser()];
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('mariadb-install-db', args, { stdio: 'pipe', encoding: 'utf8' });
      return;
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string; message: string };
      const why = `${out.message}\n${(out.stdout ?? '').slice(-2000)}\n${(out.stderr ?? '').slice(-2000)}`;
      if (attempt === 2) throw new Error(`mariadb-install-db failed twice; last output:\n${why}`);
      console.warn(`mariadb-install-db failed (trying once more):\n${why}`);
      rmSync(data, { recursive: true, force: true });
    }
  }
}

export async function startMariadb(): Promise<MariadbInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-mariadb-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'sock');
  const port = await freePort();
  installDb(data);
  const server: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      ...asUser(),
      `--log-bin=${join(data, 'mysql-bin')}`,
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--server-id=1',
      '--innodb-flush-log-at-trx-commit=0',
      '--sync-binlog=0',
      '--skip-name-resolve',
    ],
    { stdio: 'ignore' },
  );
  let admin: mysql.Connection | undefined;
  for (let i = 0; !admin; i++) {
    try {
      admin = await mysql.createConnection({ socketPath: socket, user: 'root' });
    } catch (e) {
      if (i > 300 || server.exitCode !== null) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await admin.query('CREATE DATABASE weir');
  await admin.query(`CREATE USER 'weir'@'%' IDENTIFIED BY 'weir'`);
  await admin.query(`GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'weir'@'%'`);
  await admin.query(`GRANT SELECT ON weir.* TO 'weir'@'%'`);
  await admin.end();
  const pool = mysql.createPool({ socketPath: socket, user: 'root', database: 'weir', connectionLimit: 4 });
  return {
    port,
    connection: { host: '127.0.0.1', port, user: 'weir', password: 'weir', database: 'weir' },
    async query<R>(sql: string, params?: unknown[]) {
      const [rows] = await pool.query(sql, params);
      return rows as R[];
    },
    async stop() {
      await pool.end();
      const exited = server.exitCode !== null ? Promise.resolve() : new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
