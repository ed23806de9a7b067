/**
 * Fraud detection, after Flink's DataStream walkthrough: alert when an account makes a tiny
 * transaction (under $1, a card test) followed by a large one (over $500) within one minute.
 *
 *   npx weir run examples/fraud-detection.ts
 *
 * Per account a KeyedProcessFunction keeps a flag in keyed state ("a small transaction was seen")
 * and an event-time timer that clears the flag one minute later. Transactions are generated
 * deterministically (same alerts on every run), spread over about 14 hours of event time.
 */
import { OutputTag, StreamEnvironment, WatermarkStrategy, sequence, valueState } from 'weir';
import type { Collector, KeyedProcessContext, KeyedProcessFunction, OnTimerContext, RuntimeContext, ValueState } from 'weir';

export interface Transaction {
  readonly account: string;
  readonly amount: number;
  readonly time: number;
}

interface Alert {
  readonly account: string;
  readonly small: number;
  readonly large: number;
  readonly time: number;
}

const TRANSACTIONS = 500_000;
const ACCOUNTS = 500;
const START = Date.UTC(2024, 2, 1);
const SMALL = 1.0;
const LARGE = 500.0;
const ONE_MINUTE = 60_000;

/** A stable pseudo-random number in [0, 1) for transaction `i` and stream `salt`. */
function random(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 2 ** 32;
}

function transaction(i: number): Transaction {
  const r = random(i, 1);
  const amount = r < 0.004 ? random(i, 2) : r > 0.99 ? LARGE + random(i, 3) * 1500 : 5 + random(i, 4) * 200;
  // Ten transactions a second, each up to two seconds late.
  return { account: `acct-${String(Math.floor(random(i, 5) * ACCOUNTS)).padStart(4, '0')}`, amount: Math.round(amount * 100) / 100, time: START + i * 100 - Math.floor(random(i, 6) * 2000) };
}

/** Large transactions that were not preceded by a card test: sent to a side output for auditing. */
const largeOnly = new OutputTag<Transaction>('large-without-test');

export class FraudDetector implements KeyedProcessFunction<string, Transaction, Alert> {
  private smallSeen!: ValueState<number>;
  private timer!: ValueState<number>;

  open(ctx: RuntimeContext): void {
    this.smallSeen = ctx.state.getState(valueState<number>('small-amount'));
    this.timer = ctx.state.getState(valueState<number>('clear-timer'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<string>, out: Collector<Alert>): void {
    const small = this.smallSeen.value();
    if (tx.amount > LARGE) {
      if (small !== undefined) out.collect({ account: tx.account, small, large: tx.amount, time: tx.time });
      else ctx.output(largeOnly, tx);
    }
    this.clear(ctx);
    if (tx.amount < SMALL) {
      this.smallSeen.update(tx.amount);
      const at = ctx.timestamp() + ONE_MINUTE;
      ctx.timerService().registerEventTimeTimer(at);
      this.timer.update(at);
    }
  }

  onTimer(_ts: number, _ctx: OnTimerContext<string>): void {
    this.smallSeen.clear();
    this.timer.clear();
  }

  private clear(ctx: KeyedProcessContext<string>): void {
    const at = this.timer.value();
    if (at !== undefined) ctx.timerService().deleteEventTimeTimer(at);
    this.smallSeen.clear();
    this.timer.clear();
  }
}

const money = (n: number) => `$${n.toFixed(2)}`;

const env = StreamEnvironment.create();
const alerts = env
  .fromSource(sequence(0, TRANSACTIONS - 1), undefined, 'Transactions')
  .map(transaction)
  .name('To Transaction')
  .assignTimestampsAndWatermarks(WatermarkStrategy.boundedOutOfOrderness<Transaction>('2s', (t) => t.time))
  .keyBy((t) => t.account)
  .process(new FraudDetector())
  .name('Fraud Detector');

alerts.print({ format: (a: Alert) => `ALERT ${a.account}: ${money(a.small)} then ${money(a.large)} at ${new Date(a.time).toISOString()}` });
let audited = 0;
alerts.getSideOutput(largeOnly).sinkTo({ name: 'Audit Count', createWriter: () => ({ write: (b) => void (audited += b.length) }) });

await env.execute('fraud-detection');
console.log(`${audited} large transactions without a preceding card test went to the audit side output.`);
