import { describe, expect, it } from 'vitest';
import { StreamEnvironment, listState, valueState, type ListState } from '../../src/index.js';

const keyed = () =>
  StreamEnvironment.create()
    .fromElements('a', 'b', 'a')
    .keyBy((s) => s);

describe('state misuse fails the job with a message that says what to change', () => {
  it('one name used for two state types names the state and both types', async () => {
    const job = keyed()
      .process<string>({
        open(ctx) {
          ctx.state.getState(valueState<number>('seen'));
          ctx.state.getListState(listState<number>('seen'));
        },
        processElement() {},
      })
      .executeAndCollect();
    await expect(job).rejects.toThrow(/State 'seen' is value state and cannot be used as list state/);
  });

  it('keyed state read in open(), where no key is current, names the state', async () => {
    const job = keyed()
      .process<string>({
        open(ctx) {
          ctx.state.getState(valueState<number>('count')).value();
        },
        processElement() {},
      })
      .executeAndCollect();
    await expect(job).rejects.toThrow(/State 'count' was used outside a keyed context/);
  });

  it('keyed state on a stream without keyBy says to use keyBy', async () => {
    const job = StreamEnvironment.create()
      .fromElements(1)
      .process<number>({
        open(ctx) {
          ctx.state.getState(valueState<number>('count'));
        },
        processElement() {},
      })
      .executeAndCollect();
    await expect(job).rejects.toThrow(/only available after keyBy/);
  });

  it('timers on a stream without keyBy say to use keyBy', async () => {
    const job = StreamEnvironment.create()
      .fromElements(1)
      .process<number>({
        processElement(_v, ctx) {
          ctx.timerService().registerEventTimeTimer(10);
        },
      })
      .executeAndCollect();
    await expect(job).rejects.toThrow(/Timers are only available on keyed streams/);
  });
});

describe('operator list state', () => {
  it('is per subtask and readable in open() (no key needed)', async () => {
    const env = StreamEnvironment.create({ parallelism: 3 });
    const out = await env
      .fromArray([1, 2, 3, 4, 5, 6, 7, 8, 9])
      .process<string>({
        open(ctx) {
          const seen = ctx.operatorState.getListState<number>('seen');
          (this as any).seen = seen;
          (this as any).index = ctx.subtaskIndex;
          if (seen.get().length !== 0) throw new Error('fresh state expected');
        },
        processElement(v, _ctx, out) {
          const seen: ListState<number> = (this as any).seen;
          seen.add(v);
          out.collect(`${(this as any).index}:${seen.get().join(',')}`);
        },
      })
      .executeAndCollect();
    // The array source gives subtask i a contiguous third; each subtask's list holds only its own.
    const last = new Map(out.map((s) => [s.split(':')[0], s.split(':')[1]]));
    expect([...last.values()].sort()).toEqual(['1,2,3', '4,5,6', '7,8,9']);
  });
});
