import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { WeirError } from '../core/errors.js';
import type { PortRange } from '../graph/rest-options.js';

/** A listening HTTP server and where it listens. */
export interface Listening {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

function listenOnce(server: Server, port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (e.code === 'EADDRINUSE') resolve(false);
      else reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Serves `app` on the first free port of `ports` at `host`. The server never keeps the process
 * alive: the job does while it runs.
 *
 * @example
 * const { url, close } = await listen(app, { from: 8081, to: 8090 }, '127.0.0.1');
 */
export async function listen(app: Hono, ports: PortRange, host: string): Promise<Listening> {
  const server = createServer(getRequestListener(app.fetch));
  // A client that sends its request slowly cannot hold a connection for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  for (let port = ports.from; port <= ports.to; port++) {
    if (await listenOnce(server, port, host)) {
      server.unref();
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return {
        server,
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    }
  }
  throw new WeirError(`No free port in ${ports.from}-${ports.to} on ${host}`);
}
