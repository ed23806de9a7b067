import pg from 'pg';

/**
 * Opens a query connection that survives its server going away while idle. pg emits 'error' on an
 * idle client when the server closes the socket (a restart, a failover, a test's private server
 * stopping); with no listener that is an uncaught exception that kills the whole process. The
 * error is kept instead: the next query on the client fails with it, where the caller handles it.
 *
 * @example
 * const c = await connectPg({ ...o.connection, types: textTypes });
 */
export async function connectPg(config: pg.ClientConfig): Promise<pg.Client> {
  const c = new pg.Client(config);
  c.on('error', () => {});
  await c.connect();
  return c;
}
