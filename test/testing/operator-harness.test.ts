import { describe, expect, it } from 'vitest';
import {
  Batch,
  OutputTag,
  UserFunctionError,
  listState,
  mapState,
  valueState,
  type Collector,
  type KeyedCoProcessFunction,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type OnTimerContext,
  type Operator,
  type OperatorContext,
  type ProcessFunction,
  type RuntimeContext,
  type ValueState,
} from '../../src/index.js';
import { OperatorHarness } from '../../src/testing/index.js';

interface Click {
  user: string;
  page: string;
}

const countDesc = valueState<number>('count');
const pagesDesc = listState<string>('pages');

/** Counts clicks per user and reports the count one second (event time) after the first click. */
class ClickCounter implements KeyedProcessFunction<string, Click, string> {
  private count!: ValueState<number>;
  open(ctx: RuntimeContext): void {
    this.count = ctx.state.getState(countDesc);
  }
  processElement(_click: Click, ctx: KeyedProcessContext<string>): void {
    const n = this.count.value() ?? 0;
    if (n === 0) ctx.timerService().registerEventTimeTimer(ctx.timestamp() + 1000);
    this.count.update(n + 1);
  }
  onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}:${this.count.value()}@${ts}`);
    this.count.clear();
  }
}

describe('OperatorHarness', () => {
  it('drives a KeyedProcessFunction with keyed state and event-time timers', async () => {
    const h = await OperatorHarness.forKeyedProcessFunction(new ClickCounter(), (c: Click) => c.user);
    h.processElement({ user: 'ann', page: '/' }, 1000);
    h.processElement({ user: 'bob', page: '/a' }, 1500);
    h.processElement({ user: 'ann', page: '/b' }, 1700);
    expect(h.state(countDesc, 'ann')).toBe(2);
    expect(h.state(countDesc, 'bob')).toBe(1);
    expect(h.stateKeys(countDesc).sort()).toEqual(['ann', 'bob']);
    expect(h.numEventTimeTimers()).toBe(2);

    h.processWatermark(1999);
    expect(h.values()).toEqual([]);
    h.processWatermark(2000);
    expect(h.output()).toEqual([{ value: 'ann:2@2000', timestamp: 2000 }]);
    expect(h.state(countDesc, 'ann')).toBeUndefined();
    expect(h.numEventTimeTimers()).toBe(1);
    expect(h.watermarks()).toEqual([1999, 2000]);

    await h.endInput();
    expect(h.values()).toEqual(['ann:2@2000', 'bob:1@2500']);
    expect(h.numEventTimeTimers()).toBe(0);
    await h.close();
  });

  it('fires processing-time timers only when the manual clock reaches them', async () => {
    const fn: KeyedProcessFunction<string, Click, string> = {
      processElement(c, ctx) {
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 500);
      },
      onTimer(ts, ctx, out) {
        out.collect(`${ctx.getCurrentKey()} ${ctx.timeDomain()} ${ts}`);
      },
    };
    const h = await OperatorHarness.forKeyedProcessFunction(fn, (c: Click) => c.user, { processingTime: 10_000 });
    h.processElement({ user: 'ann', page: '/' });
    expect(h.numProcessingTimeTimers()).toBe(1);
    h.advanceProcessingTime(499);
    expect(h.values()).toEqual([]);
    h.setProcessingTime(10_500);
    expect(h.output()).toEqual([{ value: 'ann PROCESSING_TIME 10500', timestamp: -Infinity }]);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });

  it('collects side outputs of a ProcessFunction and forwards watermarks', async () => {
    const negatives = new OutputTag<number>('negatives');
    const fn: ProcessFunction<number, number> = {
      processElement(v, ctx, out) {
        if (v < 0) ctx.output(negatives, -v);
        else out.collect(v * 10);
      },
    };
    const h = await OperatorHarness.forProcessFunction(fn);
    h.processElement(1, 100);
    h.processElement(-2, 200);
    h.processElement(3);
    h.processWatermark(300);
    expect(h.output()).toEqual([
      { value: 10, timestamp: 100 },
      { value: 30, timestamp: -Infinity },
    ]);
    expect(h.sideOutput(negatives)).toEqual([{ value: 2, timestamp: 200 }]);
    expect(h.sideOutput(new OutputTag<string>('unused'))).toEqual([]);
    expect(h.watermarks()).toEqual([300]);
    h.clearOutput();
    expect(h.values()).toEqual([]);
    expect(h.sideOutput(negatives)).toEqual([]);
  });

  it('shows list and map state as plain values', async () => {
    const perPage = mapState<string, number>('per-page');
    class PageTracker implements KeyedProcessFunction<string, Click, never> {
      private rc!: RuntimeContext;
      open(rc: RuntimeContext): void {
        this.rc = rc;
      }
      processElement(c: Click): void {
        const counts = this.rc.state.getMapState(perPage);
        this.rc.state.getListState(pagesDesc).add(c.page);
        counts.put(c.page, (counts.get(c.page) ?? 0) + 1);
      }
    }
    const fn = new PageTracker();
    const h = await OperatorHarness.forKeyedProcessFunction(fn, (c: Click) => c.user);
    for (const page of ['/', '/a', '/']) h.processElement({ user: 'ann', page });
    expect(h.state(pagesDesc, 'ann')).toEqual(['/', '/a', '/']);
    expect(h.state(perPage, 'ann')).toEqual(
      new Map([
        ['/', 2],
        ['/a', 1],
      ]),
    );
    expect(h.state(pagesDesc, 'nobody')).toEqual([]);
  });

  it('throws the failure of a user function from the call that caused it', async () => {
    const fn: KeyedProcessFunction<string, Click, string> = {
      processElement(c, ctx) {
        if (c.page === '/bad') throw new Error('bad page');
        ctx.timerService().registerProcessingTimeTimer(100);
      },
      onTimer() {
        throw new Error('timer broke');
      },
    };
    const h = await OperatorHarness.forKeyedProcessFunction(fn, (c: Click) => c.user);
    expect(() => h.processElement({ user: 'ann', page: '/bad' })).toThrow(UserFunctionError);
    h.processElement({ user: 'ann', page: '/ok' });
    expect(() => h.setProcessingTime(100)).toThrow(/timer broke/);
  });

  it('refuses timers and state on a harness without a key selector', async () => {
    const h = await OperatorHarness.forProcessFunction<number, number>({
      processElement(_v, ctx) {
        ctx.timerService().registerEventTimeTimer(1);
      },
    });
    expect(() => h.processElement(1)).toThrow(/only available on keyed streams/);
    expect(() => h.state(countDesc, 'x')).toThrow(/no keyed state/);
  });

  it('runs any core Operator, keyed, with counters and a flush at the end of input', async () => {
    class DedupOperator implements Operator<string> {
      private ctx!: OperatorContext<string>;
      private held: string[] = [];
      open(ctx: OperatorContext<string>): void {
        this.ctx = ctx;
      }
      processBatch(batch: Batch<string>): void {
        const seen = this.ctx.keyed!.state.getState(valueState<boolean>('seen'));
        for (let i = 0; i < batch.length; i++) {
          this.ctx.keyed!.setCurrentKey(batch.keys![i]);
          if (seen.value()) this.ctx.metrics.inc('duplicates');
          else {
            seen.update(true);
            this.held.push(batch.values[i]!);
          }
        }
      }
      finish(): void {
        this.ctx.output.push(Batch.of(this.held, 0));
      }
    }
    const h = await OperatorHarness.forOperator<string, string>(new DedupOperator(), { key: (s: string) => s.toLowerCase() });
    for (const w of ['a', 'B', 'A', 'b', 'c']) h.processElement(w);
    expect(h.values()).toEqual([]);
    await h.endInput();
    expect(h.values()).toEqual(['a', 'B', 'c']);
    expect(h.watermarks()).toEqual([Infinity]);
    expect(h.metrics()).toMatchObject({ recordsIn: 5, counters: { duplicates: 2 } });
  });

  it('waits for asynchronous work with drain, and reports its failure', async () => {
    class LookupOperator implements Operator<string> {
      private ctx!: OperatorContext<string>;
      open(ctx: OperatorContext<string>): void {
        this.ctx = ctx;
      }
      processBatch(batch: Batch<number>): void {
        for (const id of batch.values) {
          const reply = new Promise<string>((resolve, reject) => setTimeout(() => (id < 0 ? reject(new Error(`no user ${id}`)) : resolve(`user-${id}`)), 5));
          this.ctx.block(reply.then((name) => this.ctx.output.push(Batch.of([name]))));
        }
      }
    }
    const h = await OperatorHarness.forOperator<number, string>(new LookupOperator());
    h.processElement(1);
    h.processElement(2);
    expect(h.values()).toEqual([]);
    await h.drain();
    expect(h.values().sort()).toEqual(['user-1', 'user-2']);
    h.processElement(-1);
    await expect(h.drain()).rejects.toThrow(/no user -1/);
  });

  it('drives both inputs of a keyed co-process function', async () => {
    const rate = valueState<number>('rate');
    type Rate = { cur: string; rate: number };
    type Order = { cur: string; amount: number };
    class Converter implements KeyedCoProcessFunction<string, Rate, Order, string> {
      private rc!: RuntimeContext;
      open(rc: RuntimeContext): void {
        this.rc = rc;
      }
      processElement1(r: Rate): void {
        this.rc.state.getState(rate).update(r.rate);
      }
      processElement2(o: Order, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()} ${o.amount * (this.rc.state.getState(rate).value() ?? NaN)}`);
      }
    }
    const fn = new Converter();
    const h = await OperatorHarness.forCoProcessFunction(fn, { key: [(r: Rate) => r.cur, (o: Order) => o.cur] });
    h.processElement({ cur: 'EUR', rate: 2 }, 0, 0);
    h.processElement({ cur: 'EUR', amount: 21 }, 0, 1);
    h.processElement({ cur: 'USD', amount: 1 }, 0, 1);
    expect(h.values()).toEqual(['EUR 42', 'USD NaN']);
    expect(h.state(rate, 'EUR')).toBe(2);
    h.processWatermark(10, 0);
    expect(h.watermarks()).toEqual([]);
    h.processWatermark(5, 1);
    expect(h.watermarks()).toEqual([5]);
  });
});
