import { describe, expect, it } from 'vitest';
import {
  ManualClock,
  StreamEnvironment,
  aggregatingState,
  listState,
  mapState,
  reducingState,
  stateTtl,
  valueState,
  type AggregateFunction,
  type ListState,
  type MapState,
  type ValueState,
} from '../../src/index.js';

type Click = { user: string; page: string; day: number; ms: number };
const clicks: Click[] = [
  { user: 'ann', page: 'home', day: 1, ms: 10 },
  { user: 'bob', page: 'home', day: 1, ms: 20 },
  { user: 'ann', page: 'cart', day: 1, ms: 30 },
  { user: 'ann', page: 'home', day: 2, ms: 40 },
  { user: 'bob', page: 'pay', day: 2, ms: 50 },
  { user: 'ann', page: 'home', day: 1, ms: 60 },
];

const average: AggregateFunction<number, { sum: number; n: number }, number> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (v, acc) => ({ sum: acc.sum + v, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
};

describe('keyed state through the DataStream API', () => {
  it('value (with default), list, map with tuple keys, reducing and aggregating state are per key', async () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    const out = await env
      .fromArray(clicks)
      .keyBy((c) => c.user)
      .process<string>({
        open(ctx) {
          const s = ctx.state;
          Object.assign(this, {
            count: s.getState(valueState<number>('count', { defaultValue: 0 })),
            pages: s.getListState(listState<string>('pages')),
            perPageDay: s.getMapState(mapState<[string, number], number>('per-page-day')),
            total: s.getReducingState(reducingState<number>('total', (a, b) => a + b)),
            avg: s.getAggregatingState(aggregatingState('avg', average)),
          });
        },
        processElement(c, ctx, out) {
          const self = this as unknown as {
            count: ValueState<number>;
            pages: ListState<string>;
            perPageDay: MapState<[string, number], number>;
            total: any;
            avg: any;
          };
          self.count.update(self.count.value()! + 1);
          self.pages.add(c.page);
          // A fresh tuple each time: map keys compare by value.
          self.perPageDay.put([c.page, c.day], (self.perPageDay.get([c.page, c.day]) ?? 0) + 1);
          self.total.add(c.ms);
          self.avg.add(c.ms);
          out.collect(
            `${ctx.getCurrentKey()} n=${self.count.value()} pages=${self.pages.get().join(',')} home/1=${self.perPageDay.get(['home', 1]) ?? 0} total=${self.total.get()} avg=${self.avg.get()}`,
          );
        },
      })
      .executeAndCollect();
    expect(out.filter((s) => s.startsWith('ann'))).toEqual([
      'ann n=1 pages=home home/1=1 total=10 avg=10',
      'ann n=2 pages=home,cart home/1=1 total=40 avg=20',
      'ann n=3 pages=home,cart,home home/1=1 total=80 avg=26.666666666666668',
      'ann n=4 pages=home,cart,home,home home/1=2 total=140 avg=35',
    ]);
    expect(out.filter((s) => s.startsWith('bob'))).toEqual(['bob n=1 pages=home home/1=1 total=20 avg=20', 'bob n=2 pages=home,pay home/1=1 total=70 avg=35']);
  });

  it('map state iterates entries with their original keys, and clear/remove work per key', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromArray(clicks)
      .keyBy((c) => c.user)
      .process<string>({
        open(ctx) {
          (this as any).m = ctx.state.getMapState(mapState<[string, number], number>('m'));
        },
        processElement(c, ctx, out) {
          const m: MapState<[string, number], number> = (this as any).m;
          if (c.page === 'pay') m.clear();
          else if (c.page === 'cart') m.remove(['home', 1]);
          else m.put([c.page, c.day], c.ms);
          out.collect(`${ctx.getCurrentKey()}:${JSON.stringify([...m.entries()])}:${m.contains(['home', 1])}:${m.isEmpty()}`);
        },
      })
      .executeAndCollect();
    expect(out).toEqual([
      'ann:[[["home",1],10]]:true:false',
      'bob:[[["home",1],20]]:true:false',
      'ann:[]:false:true',
      'ann:[[["home",2],40]]:false:false',
      'bob:[]:false:true',
      'ann:[[["home",2],40],[["home",1],60]]:true:false',
    ]);
  });

  it('composite stream keys share state when equal', async () => {
    const env = StreamEnvironment.create({ parallelism: 3 });
    const out = await env
      .fromArray(clicks)
      .keyBy((c) => [c.user, c.day] as const)
      .process<string>({
        open(ctx) {
          (this as any).n = ctx.state.getState(valueState<number>('n', { defaultValue: 0 }));
        },
        processElement(_c, ctx, out) {
          const n: ValueState<number> = (this as any).n;
          n.update(n.value()! + 1);
          out.collect(`${JSON.stringify(ctx.getCurrentKey())}=${n.value()}`);
        },
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['["ann",1]=1', '["ann",1]=2', '["ann",1]=3', '["ann",2]=1', '["bob",1]=1', '["bob",2]=1']);
  });

  it('state TTL expires values in processing time of the job clock', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock, batchSize: 1 });
    const out = await env
      .fromArray([...clicks, { user: 'ann', page: 'late', day: 3, ms: 90 }])
      // Drives processing time from the data; one record per batch, so the clock moves between records.
      .map((c) => (clock.setTime(c.ms * 100), c))
      .keyBy((c) => c.user)
      .process<string>({
        open(ctx) {
          (this as any).last = ctx.state.getState(valueState<string>('last-page', { ttl: stateTtl('2.5s') }));
          (this as any).seen = ctx.state.getListState(listState<string>('seen', { ttl: stateTtl('2.5s', { updateType: 'OnReadAndWrite' }) }));
        },
        processElement(c, ctx, out) {
          const last: ValueState<string> = (this as any).last;
          const seen: ListState<string> = (this as any).seen;
          out.collect(`${c.user}@${clock.now()} last=${last.value() ?? '-'} seen=${seen.get().join(',') || '-'}`);
          last.update(c.page);
          seen.add(c.page);
        },
      })
      .executeAndCollect();
    expect(out).toEqual([
      'ann@1000 last=- seen=-',
      'bob@2000 last=- seen=-',
      'ann@3000 last=home seen=home',
      'ann@4000 last=cart seen=home,cart',
      'bob@5000 last=- seen=-', // 3s after bob's last write: expired
      'ann@6000 last=home seen=home,cart,home',
      'ann@9000 last=- seen=-', // 3s after ann's last write
    ]);
  });
});
