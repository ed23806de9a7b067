import type ZongJi from '@vlasky/zongji';

interface QueryConnection {
  query(sql: string, callback: (e: Error | null) => void): void;
}

/**
 * Asks the server to send heartbeats on `z`'s binlog connection every `ms` while it has no event to
 * send: a replica asks by setting `@master_heartbeat_period` (nanoseconds) in the session that then
 * requests the binlog dump. zongji has no option for it, but announces 'ready' on that connection
 * right before it queues the dump command there: a query queued from the listener runs first.
 */
export function askForHeartbeats(z: ZongJi, ms: number, onError: (e: unknown) => void): void {
  z.on('ready', () => {
    const connection = (z as unknown as { connection?: QueryConnection | null }).connection;
    const ns = BigInt(ms) * 1_000_000n;
    // MySQL renamed replication's "master" terms to "source" from 8.0.26, MariaDB did not: a user
    // variable the server does not read is harmless, so both names are set.
    connection?.query(`SET @master_heartbeat_period = ${ns}, @source_heartbeat_period = ${ns}`, (e) => {
      if (e) onError(e);
    });
  });
}
