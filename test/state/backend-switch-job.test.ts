import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, ManualClock, StreamEnvironment, mapState, valueState, type MapState, type ValueState } from '../../src/index.js';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { slowCounter } from '../checkpoint/slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FAR = 1e12;
const KEYS = 11;
interface Tally {
  n: number;
  total: bigint;
  first: Date;
}

/**
 * Per key (value % 11): a tally object (count, a bigint sum, a date) in value state and the count
 * per residue mod 3 in map state; the end of input fires a timer per key that prints both.
 */
function job(env: StreamEnvironment, count: number, parallelism: number, out: CollectSink<string>): void {
  env
    .fromSource(slowCounter(count, 10, 1))
    .uid('source')
    .keyBy((v) => v % KEYS)
    .process<string>({
      open(ctx) {
        Object.assign(this, { tally: ctx.state.getState(valueState<Tally>('tally')), mod3: ctx.state.getMapState(mapState<number, number>('mod3')) });
      },
      processElement(v, ctx) {
        const self = this as unknown as { tally: ValueState<Tally>; mod3: MapState<number, number> };
        const t = self.tally.value();
        self.tally.update(t ? { n: t.n + 1, total: t.total + BigInt(v), first: t.first } : { n: 1, total: BigInt(v), first: new Date(v) });
        self.mod3.put(v % 3, (self.mod3.get(v % 3) ?? 0) + 1);
        ctx.timerService().registerEventTimeTimer(FAR);
      },
      onTimer(_ts, ctx, o) {
        const self = this as unknown as { tally: ValueState<Tally>; mod3: MapState<number, number> };
        const t = self.tally.value()!;
        const m = [...self.mod3.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([r, c]) => `${r}:${c}`)
          .join(',');
        o.collect(`${ctx.getCurrentKey()} n=${t.n} total=${t.total} first=${t.first.getTime()} mod3=${m}`);
      },
    })
    .uid('tally')
    .setParallelism(parallelism)
    .sinkTo(out);
}

/** What the job prints for input 0..pos-1, computed directly. */
function expected(pos: number): string[] {
  const out: string[] = [];
  for (let key = 0; key < KEYS; key++) {
    const vs = Array.from({ length: pos }, (_, v) => v).filter((v) => v % KEYS === key);
    const mod3 = [0, 1, 2].map((r) => [r, vs.filter((v) => v % 3 === r).length]).filter(([, c]) => c! > 0);
    out.push(`${key} n=${vs.length} total=${vs.reduce((a, b) => a + b, 0)} first=${vs[0]} mod3=${mod3.map(([r, c]) => `${r}:${c}`).join(',')}`);
  }
  return out.sort();
}

describe('switching state backends through a savepoint', () => {
  for (const [from, to] of [
    ['hashmap', 'lmdb'],
    ['lmdb', 'hashmap'],
  ] as const) {
    it(`restores a savepoint taken with '${from}' into '${to}', at another parallelism`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'weir-switch-'));
      dirs.push(dir);
      // A cache of 5 entries makes the disk backend read and write its store on most records.
      const disk = { 'state.backend.lmdb.memory.cache-entries': 5 };
      const env = StreamEnvironment.create({
        clock: new ManualClock(0),
        'execution.checkpointing.interval': '1h',
        'state.checkpoints.dir': dir,
        'state.backend.type': from,
        ...disk,
      });
      const first = new CollectSink<string>();
      job(env, 100_000, 2, first);
      const client = env.executeAsync(`switch-${from}-v1`);
      await new Promise((r) => setTimeout(r, 100));
      const path = await client.triggerSavepoint();
      await client.cancel();
      expect(first.values).toEqual([]);
      const saved = await FsCheckpointStorage.load(path);
      const pos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;
      expect(pos).toBeGreaterThan(KEYS);

      const env2 = StreamEnvironment.create({ clock: new ManualClock(0), restore: { path }, 'state.backend.type': to, ...disk });
      const second = new CollectSink<string>();
      job(env2, pos, 3, second);
      await env2.execute(`switch-${to}-v2`);
      expect(second.values.slice().sort()).toEqual(expected(pos));
    });
  }
});
