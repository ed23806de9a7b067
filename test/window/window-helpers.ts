import { StreamEnvironment, WatermarkStrategy, type DataStream } from '../../src/index.js';

/** An event with an event time; `k` is the key. */
export interface Ev {
  k: string;
  t: number;
  v: number;
}

/**
 * A stream of events, one per batch, with watermark = max timestamp seen - delay - 1 after each
 * record: so the watermark a record sees is fully determined by the records before it.
 */
export function events(evs: Ev[], delay = 0, config: Parameters<typeof StreamEnvironment.create>[0] = {}): { env: StreamEnvironment; stream: DataStream<Ev> } {
  const env = StreamEnvironment.create({ batchSize: 1, ...config });
  const stream = env.fromSource(
    (env.fromArray(evs).node.params as { source: any }).source,
    WatermarkStrategy.boundedOutOfOrderness<Ev>(delay, (e) => e.t),
  );
  return { env, stream };
}

export const ev = (k: string, t: number, v = 1): Ev => ({ k, t, v });
