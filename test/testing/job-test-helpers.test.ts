import { describe, expect, it } from 'vitest';
import { ManualClock, OutputTag, StreamEnvironment, WatermarkStrategy, type KeyedProcessFunction } from '../../src/index.js';
import { collectOutput, runJob } from '../../src/testing/index.js';

interface Reading {
  sensor: string;
  at: number;
  temp: number;
}

const readings: Reading[] = [
  { sensor: 's1', at: 1000, temp: 20 },
  { sensor: 's2', at: 1200, temp: 31 },
  { sensor: 's1', at: 1900, temp: 35 },
  { sensor: 's1', at: 900, temp: 99 },
];

/** Alerts on readings above 30; notes each sensor's last reading time on a processing-time timer. */
function alerter(tooOld: OutputTag<Reading>): KeyedProcessFunction<string, Reading, string> {
  return {
    processElement(r, ctx, out) {
      if (ctx.timestamp() < ctx.timerService().currentWatermark()) return ctx.output(tooOld, r);
      if (r.temp > 30) out.collect(`${r.sensor} hot at ${r.at}`);
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
    },
    onTimer(ts, ctx, out) {
      out.collect(`${ctx.getCurrentKey()} checked at ${ts}`);
    },
  };
}

describe('runJob and collectOutput', () => {
  it('run a whole job on a manual clock, with timestamps, watermarks and side outputs', async () => {
    // One record per batch, so a watermark follows every record and the last reading arrives late.
    const env = StreamEnvironment.create({ batchSize: 1 });
    const tooOld = new OutputTag<Reading>('too-old');
    const alerts = env
      .fromArray(readings)
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Reading>((r) => r.at))
      .keyBy((r) => r.sensor)
      .process(alerter(tooOld));
    const out = collectOutput(alerts);
    const late = collectOutput(alerts.getSideOutput(tooOld));

    const { result, clock } = await runJob(env, { clock: new ManualClock(5_000), jobName: 'alerts' });

    expect(result.jobName).toBe('alerts');
    expect(clock.now()).toBe(5_000);
    // Processing time stood still at 5 s; the end of input fired the pending timers, once per key.
    expect(out.values).toEqual(['s2 hot at 1200', 's1 hot at 1900', 's1 checked at 65000', 's2 checked at 65000']);
    expect(out.records()[0]).toEqual({ value: 's2 hot at 1200', timestamp: 1200 });
    expect(out.watermarks.at(-1)).toBe(Infinity);
    expect(late.values).toEqual([{ sensor: 's1', at: 900, temp: 99 }]);
  });

  it('gives the same output on every run', async () => {
    const run = async () => {
      const env = StreamEnvironment.create();
      const out = collectOutput(
        env
          .fromArray(readings)
          .keyBy((r) => r.sensor)
          .process(alerter(new OutputTag('x'))),
      );
      await runJob(env);
      return out.values;
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects with the failure of the job', async () => {
    const env = StreamEnvironment.create();
    collectOutput(
      env.fromElements(1, 0).map((x) => {
        if (x === 0) throw new Error('division by zero');
        return 1 / x;
      }),
    );
    await expect(runJob(env)).rejects.toThrow(/division by zero/);
  });
});
