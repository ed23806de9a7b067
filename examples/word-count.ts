/**
 * Word count on a bounded file: the same streaming program is a batch job when its input ends.
 *
 *   npx weir run examples/word-count.ts                 # counts examples/data/river-notes.txt
 *   npx weir run examples/word-count.ts -- some/file.txt
 *
 * Each word is counted in keyed state. The counts are emitted by an event-time timer set at the end
 * of time (MAX_WATERMARK): it fires when the input ends and the final watermark passes, so every
 * word is reported once, with its final count. A second keyed step (one key for all) ranks them.
 */
import { fileURLToPath } from 'node:url';
import { MAX_WATERMARK, StreamEnvironment, fileSource, listState, valueState } from 'weir';
import type { Collector, KeyedProcessContext, KeyedProcessFunction, ListState, OnTimerContext, RuntimeContext, ValueState } from 'weir';

const path = process.argv[2] ?? fileURLToPath(new URL('./data/river-notes.txt', import.meta.url));
const TOP = 10;

/** Counts one word; emits `[word, count]` once, at the end of input. */
class CountWord implements KeyedProcessFunction<string, string, [string, number]> {
  private count!: ValueState<number>;
  open(ctx: RuntimeContext): void {
    this.count = ctx.state.getState(valueState<number>('count'));
  }
  processElement(_word: string, ctx: KeyedProcessContext<string>): void {
    const n = this.count.value() ?? 0;
    if (n === 0) ctx.timerService().registerEventTimeTimer(MAX_WATERMARK);
    this.count.update(n + 1);
  }
  onTimer(_ts: number, ctx: OnTimerContext<string>, out: Collector<[string, number]>): void {
    out.collect([ctx.getCurrentKey(), this.count.value()!]);
  }
}

/** Keeps every final count and emits the most frequent words at the end of input. */
class TopWords implements KeyedProcessFunction<number, [string, number], string> {
  private counts!: ListState<[string, number]>;
  open(ctx: RuntimeContext): void {
    this.counts = ctx.state.getListState(listState<[string, number]>('counts'));
  }
  processElement(wc: [string, number], ctx: KeyedProcessContext<number>): void {
    this.counts.add(wc);
    ctx.timerService().registerEventTimeTimer(MAX_WATERMARK);
  }
  onTimer(_ts: number, _ctx: OnTimerContext<number>, out: Collector<string>): void {
    const all = this.counts.get().sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    out.collect(`${all.length} distinct words; the ${TOP} most frequent:`);
    for (const [word, n] of all.slice(0, TOP)) out.collect(`  ${String(n).padStart(4)}  ${word}`);
  }
}

const env = StreamEnvironment.create();
env
  .fromSource(fileSource({ path, format: 'text' }))
  .flatMap((line: string) => line.toLowerCase().match(/[a-z']+/g) ?? [])
  .name('Split Words')
  .keyBy((word) => word)
  .process(new CountWord())
  .name('Count Words')
  .keyBy(() => 0)
  .process(new TopWords())
  .name('Top Words')
  .setParallelism(1)
  .print()
  .setParallelism(1);

await env.execute('word-count');
