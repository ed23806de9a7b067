// A query connection left idle when its server goes away (a restart, a failover, a test's private
// server stopping) must not end the process: pg emits 'error' on an idle client, and an 'error' no
// one listens to is an uncaught exception. Vitest fails a file with an unhandled error, so this
// file fails when connectPg stops listening.
import { describe, expect, it } from 'vitest';
import { connectPg } from '../../../src/connectors/postgres-cdc/pg-connect.js';
import { havePostgresBinaries, serverTestsRun } from '../../support/server-binaries.js';
import { startPostgres } from './pg-instance.js';

const run = serverTestsRun('postgres-cdc', havePostgresBinaries(), 'postgresql');

describe.runIf(run)('connectPg', () => {
  it('keeps an idle client whose server stops from throwing; its next query fails instead', async () => {
    const pg = await startPostgres();
    const client = await connectPg(pg.connection);
    expect((await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await pg.stop();
    await closed;
    await expect(client.query('SELECT 1')).rejects.toThrow();
    await client.end().catch(() => {});
  }, 60_000);
});
