import { describe, expect, it } from 'vitest';
import {
  AsyncDataStream,
  AsyncRetryStrategies,
  AsyncTimeoutError,
  CollectSink,
  ManualClock,
  RetryPredicates,
  StreamEnvironment,
  UserFunctionError,
  WatermarkStrategy,
  arraySource,
  type AsyncFunction,
} from '../../src/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('async I/O behaviour', () => {
  it('bounds requests in flight by capacity and holds back the input (backpressure)', async () => {
    const capacity = 4;
    const batchSize = 16;
    const env = StreamEnvironment.create({ batchSize });
    let entered = 0;
    let left = 0;
    let maxGap = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const counted = env.fromArray(range(1000)).map((x) => {
      entered++;
      maxGap = Math.max(maxGap, entered - left);
      return x;
    });
    const out = await AsyncDataStream.orderedWait(
      counted,
      async (x: number) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await tick();
        inFlight--;
        return x * 2;
      },
      { timeout: '10s', capacity },
    )
      .map((x) => {
        left++;
        return x;
      })
      .executeAndCollect();
    expect(out).toEqual(range(1000).map((x) => x * 2));
    expect(maxInFlight).toBe(capacity);
    // Without backpressure the source would push all 1000 records before the first result.
    expect(maxGap).toBeLessThanOrEqual(capacity + batchSize);
  });

  it('a timeout fails the job naming the operator and the record', async () => {
    const env = StreamEnvironment.create();
    AsyncDataStream.unorderedWait(env.fromElements({ id: 1 }, { id: 2 }), (r) => (r.id === 2 ? new Promise<never>(() => {}) : r.id), { timeout: '20ms' })
      .name('enrich')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err).toBeInstanceOf(AsyncTimeoutError);
    expect(err.message).toContain("operator 'enrich'");
    expect(err.message).toContain('{"id":2}');
    expect(err.message).toContain('20 ms');
  });

  it('a timeout handler yields a fallback instead (AsyncFunction.timeout and the onTimeout option)', async () => {
    const slow = (x: number) => (x % 2 ? new Promise<string>(() => {}) : Promise.resolve(`ok${x}`));
    const env = StreamEnvironment.create();
    const viaOption = await AsyncDataStream.orderedWait(env.fromElements(0, 1, 2), slow, { timeout: '15ms', onTimeout: (x) => `late${x}` }).executeAndCollect();
    expect(viaOption).toEqual(['ok0', 'late1', 'ok2']);

    const fn: AsyncFunction<number, string> = {
      asyncInvoke(x, rf) {
        slow(x).then((v) => rf.complete([v]));
      },
      timeout(_x, rf) {
        rf.complete([]);
      },
    };
    const env2 = StreamEnvironment.create();
    const viaMethod = await AsyncDataStream.orderedWait(env2.fromElements(0, 1, 2, 3), fn, { timeout: '15ms' }).executeAndCollect();
    expect(viaMethod).toEqual(['ok0', 'ok2']);
  });

  it('retries errors with a fixed delay until an attempt succeeds', async () => {
    const attempts = new Map<number, number>();
    const flaky = async (x: number) => {
      const n = (attempts.get(x) ?? 0) + 1;
      attempts.set(x, n);
      if (n < 3) throw new Error(`try ${n}`);
      return x;
    };
    const env = StreamEnvironment.create();
    const out = new CollectSink<number>();
    AsyncDataStream.unorderedWaitWithRetry(
      env.fromElements(1, 2, 3),
      flaky,
      { timeout: '5s' },
      AsyncRetryStrategies.fixedDelay({ maxAttempts: 2, delay: '2ms' }),
    )
      .name('flaky')
      .sinkTo(out);
    const result = await env.execute();
    expect(out.values.sort()).toEqual([1, 2, 3]);
    expect([...attempts.values()]).toEqual([3, 3, 3]);
    expect(result.metrics.find((m) => m.name === 'flaky')!.counters.asyncRetries).toBe(6);
  });

  it('fails with the record and the attempt count when retries run out, and does not retry errors the predicate rejects', async () => {
    const env = StreamEnvironment.create();
    AsyncDataStream.orderedWait(env.fromElements('a'), () => Promise.reject(new Error('down')), {
      timeout: '5s',
      retry: AsyncRetryStrategies.fixedDelay({ maxAttempts: 2, delay: 1 }),
    })
      .name('lookup')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err).toBeInstanceOf(UserFunctionError);
    expect(err.message).toContain("'lookup (after 3 attempts)'");
    expect(err.message).toContain('"a"');
    expect(err.message).toContain('down');

    let calls = 0;
    const env2 = StreamEnvironment.create();
    AsyncDataStream.orderedWait(
      env2.fromElements('b'),
      () => {
        calls++;
        return Promise.reject(new TypeError('bad input'));
      },
      { timeout: '5s', retry: AsyncRetryStrategies.fixedDelay({ maxAttempts: 5, delay: 1, ifException: (e) => !(e instanceof TypeError) }) },
    ).sinkTo(new CollectSink());
    expect((await env2.execute().catch((e) => e)).message).toContain('bad input');
    expect(calls).toBe(1);
  });

  it('retries unwanted results (EMPTY_RESULT) and emits the last result when retries run out', async () => {
    const calls = new Map<string, number>();
    const lookup = async (k: string) => {
      const n = (calls.get(k) ?? 0) + 1;
      calls.set(k, n);
      return k === 'found' && n === 2 ? [k] : [];
    };
    const env = StreamEnvironment.create();
    const out = await AsyncDataStream.orderedWait(env.fromElements('found', 'missing'), lookup, {
      timeout: '5s',
      retry: AsyncRetryStrategies.fixedDelay({ maxAttempts: 3, delay: 1, ifResult: RetryPredicates.EMPTY_RESULT }),
    }).executeAndCollect();
    expect(out).toEqual(['found']);
    expect(calls.get('found')).toBe(2);
    expect(calls.get('missing')).toBe(4);
  });

  it('exponential backoff waits initial * multiplier^(n-1), capped, on the job clock', async () => {
    const clock = new ManualClock(1000);
    const env = StreamEnvironment.create({ clock });
    const at: number[] = [];
    const job = AsyncDataStream.orderedWait(
      env.fromElements(1),
      async (x: number) => {
        at.push(clock.now());
        if (at.length < 5) throw new Error('again');
        return x;
      },
      { timeout: 0, retry: AsyncRetryStrategies.exponentialBackoff({ maxAttempts: 4, initialDelay: 100, maxDelay: 300, multiplier: 2 }) },
    );
    const sink = new CollectSink<number>();
    job.sinkTo(sink);
    const client = env.executeAsync();
    let done = false;
    client.result.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      clock.advance(10);
      await tick();
    }
    await client.result;
    expect(sink.values).toEqual([1]);
    const first = at[0]!;
    expect(at.map((t) => t - first)).toEqual([0, 100, 300, 600, 900]);
  });

  it('asyncInvoke may complete with several results; results keep the input timestamp', async () => {
    const env = StreamEnvironment.create();
    const src = env.fromSource(
      arraySource([
        { w: 'ab', t: 5 },
        { w: 'c', t: 9 },
      ]),
      WatermarkStrategy.monotonousTimestamps((r) => r.t),
    );
    const out = new CollectSink<string>();
    AsyncDataStream.orderedWait<{ w: string; t: number }, string>(
      src,
      {
        asyncInvoke(r, rf) {
          setTimeout(() => rf.complete(r.w.split('')), 1);
        },
      },
      { timeout: '1s' },
    ).sinkTo(out);
    await env.execute();
    expect(out.values).toEqual(['a', 'b', 'c']);
    expect(out.timestamps).toEqual([5, 5, 9]);
  });

  it('a rejected or throwing request fails the job naming the operator and the record', async () => {
    const env = StreamEnvironment.create();
    AsyncDataStream.unorderedWait(
      env.fromElements({ id: 7 }),
      async () => {
        throw new Error('service unavailable');
      },
      { timeout: '1s' },
    )
      .name('geo')
      .sinkTo(new CollectSink());
    const err = await env.execute().catch((e) => e);
    expect(err).toBeInstanceOf(UserFunctionError);
    expect(err.message).toMatch(/'geo'.*\{"id":7\}.*service unavailable/);

    const env2 = StreamEnvironment.create();
    AsyncDataStream.orderedWait<number, number>(
      env2.fromElements(3),
      {
        asyncInvoke() {
          throw new Error('sync boom');
        },
      },
      { timeout: '1s' },
    )
      .name('sync')
      .sinkTo(new CollectSink());
    const err2 = await env2.execute().catch((e) => e);
    expect(err2.message).toMatch(/'sync'.*3.*sync boom/);
  });

  it('rejects a capacity below 1', () => {
    const env = StreamEnvironment.create();
    expect(() => AsyncDataStream.orderedWait(env.fromElements(1), async (x: number) => x, { timeout: '1s', capacity: 0 })).toThrow(/capacity/);
  });
});
