/**
 * Fraud detection, after Flink's DataStream walkthrough: alert when an account makes a tiny
 * transaction (under $1, a card test) followed by a large one (over $500) within one minute.
 *
 *   npx weir run examples/fraud-detection.ts
 *   npx weir run examples/fraud-detection.ts -p 2 -- 100000     # two slots, 100,000 transactions
 *
 * Transactions are generated deterministically, spread over about 14 hours of event time, and
 * arrive up to two seconds out of order; with -p 2 two source subtasks interleave them as well. So
 * "followed by" is decided in event time, not arrival order: per account a KeyedProcessFunction
 * keeps arriving transactions in keyed state and an event-time timer for each, and handles them
 * when the watermark passes, in the order they happened. That makes the alerts the same on every
 * run and at every parallelism.
 */
import { OutputTag, StreamEnvironment, WatermarkStrategy, blackhole, mapState, sequence, valueState } from 'weir';
import type { Collector, KeyedProcessContext, KeyedProcessFunction, MapState, OnTimerContext, RuntimeContext, ValueState } from 'weir';

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

/** The number of transactions: the first job argument, 500,000 by default. */
const TRANSACTIONS = Number(process.argv[2] ?? 500_000);
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
  return {
    account: `acct-${String(Math.floor(random(i, 5) * ACCOUNTS)).padStart(4, '0')}`,
    amount: Math.round(amount * 100) / 100,
    time: START + i * 100 - Math.floor(random(i, 6) * 2000),
  };
}

/** Large transactions that were not preceded by a card test: sent to a side output for auditing. */
const largeOnly = new OutputTag<Transaction>('large-without-test');

export class FraudDetector implements KeyedProcessFunction<string, Transaction, Alert> {
  /** Transactions that arrived but whose time the watermark has not passed, by event time. */
  private pending!: MapState<number, Transaction[]>;
  /** The last transaction handled, if it was a card test. */
  private cardTest!: ValueState<Transaction>;

  open(ctx: RuntimeContext): void {
    this.pending = ctx.state.getMapState(mapState<number, Transaction[]>('pending'));
    this.cardTest = ctx.state.getState(valueState<Transaction>('card-test'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<string>): void {
    this.pending.put(tx.time, [...(this.pending.get(tx.time) ?? []), tx]);
    ctx.timerService().registerEventTimeTimer(tx.time);
  }

  /** Every transaction of the account before `time` has been handled: handle those at `time`. */
  onTimer(time: number, ctx: OnTimerContext<string>, out: Collector<Alert>): void {
    // Two transactions at the same millisecond go in a fixed order, whichever arrived first.
    const due = this.pending.get(time)!.sort((a, b) => a.amount - b.amount);
    this.pending.remove(time);
    for (const tx of due) {
      const test = this.cardTest.value();
      if (tx.amount > LARGE) {
        if (test !== undefined && tx.time - test.time <= ONE_MINUTE) out.collect({ account: tx.account, small: test.amount, large: tx.amount, time: tx.time });
        else ctx.output(largeOnly, tx);
      }
      if (tx.amount < SMALL) this.cardTest.update(tx);
      else this.cardTest.clear();
    }
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
alerts.getSideOutput(largeOnly).sinkTo(blackhole()).name('Audit');

const result = await env.execute('fraud-detection');
// With -p 2 the sinks run in worker threads, where a variable of this module is another copy:
// what a subtask counts reaches the main thread through the job's metrics.
const audited = result.metrics.find((m) => m.name === 'Audit')!.recordsIn;
console.log(`${audited} large transactions without a preceding card test went to the audit side output.`);
