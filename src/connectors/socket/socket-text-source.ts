import { connect, type Socket } from 'node:net';
import { Batch } from '../../core/batch.js';
import type { PollResult, Source } from '../../core/source.js';

export interface SocketTextSourceOptions {
  readonly host: string;
  readonly port: number;
  /** Separates records; default '\n' (a '\r' before it is dropped too). */
  readonly delimiter?: string;
  readonly name?: string;
}

/** Lines waiting beyond this many batches pause the socket, so a fast peer cannot fill memory. */
const HIGH_WATER_BATCHES = 4;

/**
 * Text records from a TCP socket, as Flink's `socketTextStream`: connects to `host:port` and emits
 * each delimited record as a string until the peer closes the connection. Not replayable (what was
 * read is gone after a restart) and one reader only.
 *
 * @example
 * // in a shell: nc -lk 9999
 * env.fromSource(socketTextSource({ host: 'localhost', port: 9999 })).flatMap((l) => l.split(' ')).print();
 */
export function socketTextSource(options: SocketTextSourceOptions): Source<string> {
  const delimiter = options.delimiter ?? '\n';
  return {
    name: options.name ?? `Socket Stream (${options.host}:${options.port})`,
    bounded: false,
    replayable: false,
    maxParallelism: 1,
    splits: () => [{ id: `${options.host}:${options.port}` }],
    createReader(_splits, ctx) {
      let lines: string[] = [];
      let partial = '';
      let ended = false;
      let error: Error | undefined;
      const socket: Socket = connect({ host: options.host, port: options.port });
      socket.setEncoding('utf8');
      const connected = new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      connected.catch(() => undefined);
      socket.on('data', (chunk: string) => {
        const parts = (partial + chunk).split(delimiter);
        partial = parts.pop()!;
        for (const p of parts) lines.push(delimiter === '\n' && p.endsWith('\r') ? p.slice(0, -1) : p);
        if (lines.length > HIGH_WATER_BATCHES * ctx.batchSize) socket.pause();
      });
      socket.on('end', () => {
        if (partial !== '') lines.push(partial);
        partial = '';
        ended = true;
      });
      socket.on('error', (e) => (error = e));
      socket.on('close', () => (ended = true));
      let waited = false;
      return {
        async poll(): Promise<PollResult<string>> {
          if (!waited) {
            waited = true;
            await connected;
          }
          if (error) throw error;
          if (lines.length > 0) {
            let out: string[];
            if (lines.length <= ctx.batchSize) {
              out = lines;
              lines = [];
            } else out = lines.splice(0, ctx.batchSize);
            if (socket.isPaused() && lines.length <= ctx.batchSize) socket.resume();
            return Batch.of(out);
          }
          return ended ? 'end' : 'later';
        },
        close() {
          socket.destroy();
        },
      };
    },
  };
}
