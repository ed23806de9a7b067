import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, socketTextSource } from '../../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A real TCP server on a free port of 127.0.0.1 that hands each connection to `onConnection`. */
async function listen(onConnection: (s: Socket) => void): Promise<number> {
  server = createServer(onConnection);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as { port: number }).port;
}

describe('socketTextSource', () => {
  it('emits each line the peer sends and ends when the peer closes', async () => {
    const port = await listen((s) => {
      // Split across writes mid-line and mid-character, with CRLF endings, and no final newline.
      s.write('alpha\r\nbe');
      setTimeout(() => s.write(Buffer.from('ta\ngamma ü'.slice(0, 9))), 5);
      setTimeout(() => s.write(Buffer.concat([Buffer.from('ü', 'utf8').subarray(0, 1)])), 10);
      setTimeout(() => s.end(Buffer.concat([Buffer.from('ü', 'utf8').subarray(1), Buffer.from('\ndelta')])), 15);
    });
    const out = await StreamEnvironment.create().socketTextStream('127.0.0.1', port).executeAndCollect();
    expect(out).toEqual(['alpha', 'beta', 'gamma ü', 'delta']);
  });

  it('supports a custom delimiter and many lines, with parallelism capped at 1', async () => {
    const n = 20_000;
    const port = await listen((s) => s.end(Array.from({ length: n }, (_, i) => `r${i}`).join('|')));
    const env = StreamEnvironment.create({ parallelism: 4, batchSize: 100 });
    const sink = new CollectSink<string>();
    env.fromSource(socketTextSource({ host: '127.0.0.1', port, delimiter: '|' })).sinkTo(sink);
    const result = await env.execute();
    expect(sink.values).toEqual(Array.from({ length: n }, (_, i) => `r${i}`));
    expect(result.metrics[0]!.parallelism).toBe(1);
  });

  it('fails the job when nothing listens', async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const err = await StreamEnvironment.create()
      .socketTextStream('127.0.0.1', port)
      .executeAndCollect()
      .catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('ECONNREFUSED');
  });
});
