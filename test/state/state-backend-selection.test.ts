import { describe, expect, it } from 'vitest';
import {
  CollectSink,
  StreamEnvironment,
  heapStateBackend,
  listState,
  mapState,
  registerStateBackend,
  valueState,
  type KeyedBroadcastProcessFunction,
  type KeyedProcessFunction,
  type KeyedStateBackend,
  type ListState,
  type ValueState,
  type StateBackendFactory,
} from '../../src/index.js';

/**
 * A backend of our own behind the interface: it hands out the heap backend's states but is not the
 * heap backend class, so anything that still reaches for the concrete class fails here.
 */
function countingBackend(name: string): StateBackendFactory & { created: number; snapshots: number } {
  const factory = {
    name,
    created: 0,
    snapshots: 0,
    createKeyedStateBackend(ctx: Parameters<StateBackendFactory['createKeyedStateBackend']>[0]): KeyedStateBackend {
      factory.created++;
      const inner = heapStateBackend.createKeyedStateBackend(ctx);
      return {
        get currentKeyId() {
          return inner.currentKeyId;
        },
        setCurrentKey: (k) => inner.setCurrentKey(k),
        setCurrentKeyId: (id) => inner.setCurrentKeyId(id),
        getCurrentKey: () => inner.getCurrentKey(),
        keys: (n) => inner.keys(n),
        getState: (d) => inner.getState(d),
        getListState: (d) => inner.getListState(d),
        getMapState: (d) => inner.getMapState(d),
        getReducingState: (d) => inner.getReducingState(d),
        getAggregatingState: (d) => inner.getAggregatingState(d),
        snapshot: () => ({ ...inner.snapshot(), backend: name }),
        snapshotAsync: async () => {
          factory.snapshots++;
          return { ...(await inner.snapshotAsync()), backend: name };
        },
        restore: (snaps, owns) =>
          inner.restore(
            snaps.map((s) => ({ ...s, backend: heapStateBackend.name })),
            owns,
          ),
      };
    },
    hasEntries: (s: { backend?: string }) => heapStateBackend.hasEntries({ ...s, backend: heapStateBackend.name }),
  };
  return factory;
}

describe('state.backend.type', () => {
  it('fails a job that names a backend Weir does not have, naming the key and the known ones', async () => {
    const run = async () => {
      const env = StreamEnvironment.create({ 'state.backend.type': 'no-such-store', 'execution.slot-mode': 'single-thread' });
      env
        .fromElements(1, 2)
        .keyBy((x) => x % 2)
        .reduce((a, b) => a + b)
        .sinkTo(new CollectSink<number>());
      await env.execute('unknown-backend');
    };
    await expect(run()).rejects.toThrow(/state\.backend\.type.*'no-such-store'/);
  });

  it('runs keyed state, timers and broadcast state through a registered backend', async () => {
    const backend = countingBackend('counting-store');
    registerStateBackend(backend);
    const env = StreamEnvironment.create({ 'state.backend.type': 'counting-store', parallelism: 2, 'execution.slot-mode': 'single-thread' });
    const words = ['a', 'b', 'a', 'c', 'a', 'b'];
    const counts = new CollectSink<string>();
    const counter: KeyedProcessFunction<string, string, string> & { seen?: ValueState<number> } = {
      open(ctx) {
        this.seen = ctx.state.getState(valueState<number>('seen', { defaultValue: 0 }));
      },
      processElement(w, _ctx, out) {
        this.seen!.update(this.seen!.value()! + 1);
        out.collect(`${w}=${this.seen!.value()}`);
      },
    };
    env
      .fromArray(words)
      .keyBy((w) => w)
      .process<string>(counter)
      .sinkTo(counts);
    // The broadcast side walks keyed state through the registered backend (applyToKeyedState once
    // worked on the heap backend class only and failed the job on any other).
    const rules = mapState<string, number>('rules');
    const pendingDesc = listState<string>('pending');
    const applied = new CollectSink<string>();
    env
      .fromArray(words)
      .keyBy((w) => w)
      .connect(env.fromElements('go').broadcast(rules))
      .process<string>(<KeyedBroadcastProcessFunction<string, string, string, string> & { pending?: ListState<string> }>{
        open(ctx) {
          this.pending = ctx.state.getListState(pendingDesc);
        },
        processElement(w) {
          this.pending!.add(w);
        },
        processBroadcastElement(_r, ctx, out) {
          ctx.applyToKeyedState(pendingDesc, (key, state) => out.collect(`${String(key)}:${state.get().length}`));
        },
      })
      .sinkTo(applied);
    await env.execute('custom-backend');
    expect(counts.values.sort()).toEqual(['a=1', 'a=2', 'a=3', 'b=1', 'b=2', 'c=1']);
    // Each keyed subtask (2 operators x 2 subtasks) made its state through the registered factory.
    expect(backend.created).toBe(4);
  });

  it('refuses to register a second backend under a taken name', () => {
    expect(() => registerStateBackend({ ...heapStateBackend })).toThrow(/'hashmap' is already registered/);
  });
});
