// The servers of a `weir pipeline` test file from MariaDB into PostgreSQL: a private MariaDB with
// the binlog on, the machine's PostgreSQL as the target, and a temporary directory, started before
// the file's tests and stopped after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { haveTestDatabases, postgresTest, type TestDatabase } from '../connectors/jdbc/jdbc-databases.js';
import { startMariadb, type MariadbInstance } from '../connectors/mysql-cdc/mariadb-instance.js';
import { haveMariadbBinaries, serverTestsRun } from '../support/server-binaries.js';

/** Whether the servers are there (the file's tests run only then). */
export const mariadbToPostgresRuns = serverTestsRun('mariadb-cdc', haveMariadbBinaries(), 'mariadb-server') && (await haveTestDatabases());

export interface PipelineServers {
  readonly db: MariadbInstance;
  readonly target: TestDatabase;
  readonly dir: string;
}

/** Registers the file's set-up and tear-down; the fields are there once its `beforeAll` ran. */
export function mariadbToPostgres(dirPrefix: string): PipelineServers {
  const s = {} as { db: MariadbInstance; target: TestDatabase; dir: string };
  beforeAll(async () => {
    if (!mariadbToPostgresRuns) return;
    s.db = await startMariadb();
    s.target = await postgresTest();
    s.dir = mkdtempSync(join(tmpdir(), dirPrefix));
  }, 60_000);
  afterAll(async () => {
    await s.target?.close();
    await s.db?.stop();
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
  });
  return s;
}
