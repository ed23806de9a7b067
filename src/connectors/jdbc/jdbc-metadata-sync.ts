import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { JdbcMetadataRequest, JdbcMetadataResponse } from './jdbc-metadata.js';

/** How long one catalog request may take before it fails (a server that does not answer). */
const TIMEOUT_MS = 30_000;

interface Channel {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

/** The thread's catalog worker, started on the first request and kept (unreferenced) for the next. */
let channel: Channel | undefined;

/**
 * Answers a JDBC catalog request synchronously. SQL statements are planned synchronously (as
 * Flink's catalogs call JDBC, which blocks), while Node's database drivers are asynchronous: the
 * request goes to a worker thread, and this thread waits on a shared signal until the answer is
 * posted. (synckit does this too, but cannot load a TypeScript worker on Node 20, where a loader
 * given to a worker in `--import` does not reach its entry; run from the sources, the entry here
 * registers tsx first.)
 *
 * @example
 * const r = jdbcMetadataSync({ op: 'databases', baseUrl: 'jdbc:postgresql://localhost:5432', database: 'postgres' });
 */
export function jdbcMetadataSync(request: JdbcMetadataRequest): JdbcMetadataResponse {
  const c = (channel ??= start());
  Atomics.store(c.signal, 0, 0);
  c.port.postMessage(request);
  if (Atomics.wait(c.signal, 0, 0, TIMEOUT_MS) === 'timed-out') {
    // The worker may be stuck on that server: the next request gets a fresh one.
    stop(c);
    return { ok: false, message: `no answer from the database within ${TIMEOUT_MS / 1000} s` };
  }
  const answer = receiveMessageOnPort(c.port)?.message as JdbcMetadataResponse | undefined;
  if (answer) return answer;
  stop(c);
  return { ok: false, message: 'the catalog worker ended without an answer' };
}

function start(): Channel {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(entry(), { workerData: { port: port2, signal }, transferList: [port2], stdout: false, stderr: false });
  // Neither keeps the process alive: it exits when its work is done, as without a catalog.
  worker.unref();
  port1.unref();
  return { worker, port: port1, signal };
}

function stop(c: Channel): void {
  if (channel === c) channel = undefined;
  c.port.close();
  void c.worker.terminate();
}

/** The worker's entry: it imports the worker module; if that fails, it answers every request with the error. */
function entry(): URL {
  const typescript = import.meta.url.endsWith('.ts');
  const module = new URL(`./jdbc-metadata-worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href;
  const tsx = typescript
    ? `const { register } = await import(${JSON.stringify(
        pathToFileURL(
          createRequire(import.meta.url)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
        ).href,
      )}); register();`
    : '';
  const code =
    `import { workerData } from 'node:worker_threads'; try { ${tsx} await import(${JSON.stringify(module)}); } catch (e) {` +
    ` const message = 'the catalog worker failed: ' + (e && e.message || e);` +
    ` workerData.port.on('message', () => { workerData.port.postMessage({ ok: false, message });` +
    ` Atomics.store(workerData.signal, 0, 1); Atomics.notify(workerData.signal, 0); }); }`;
  return new URL('data:text/javascript,' + encodeURIComponent(code));
}
