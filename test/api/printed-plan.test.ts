import { describe, expect, it } from 'vitest';
import {
  Batch,
  StreamEnvironment,
  TumblingEventTimeWindows,
  registerOperatorKind,
  registeredOperatorKinds,
  type Operator,
  type OperatorContext,
  type OperatorFactory,
} from '../../src/index.js';

/** Multiplies numbers by `factor`; each row keeps its kind, so a changelog stays one. */
class ScaleOperator implements Operator<number> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<number>;
  constructor(private readonly factor: number) {}
  open(ctx: OperatorContext<number>): void {
    this.ctx = ctx;
  }
  processBatch(b: Batch<number>): void {
    this.ctx.output.push(
      new Batch(
        b.values.map((v) => v * this.factor),
        b.timestamps,
        undefined,
        b.kinds,
      ),
    );
  }
}

const scaleKind: OperatorFactory<{ factor: number }> = {
  kind: 'test-scale',
  create: (p) => new ScaleOperator(p.factor),
  describe: (p) => ({ factor: p.factor }),
  outputChangelogMode: () => 'as-input',
};
registerOperatorKind(scaleKind);

describe('the printed plan', () => {
  it('shows per operator its kind, key parameters, parallelism, uid, chain, changelog mode and input partitioning', () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromElements(1, 2, 3)
      .map((x) => x * 2)
      .name('Double')
      .keyBy((x) => x % 2)
      .window(TumblingEventTimeWindows.of(10))
      .reduce((a, b) => a + b)
      .uid('sums')
      .print();
    env
      .fromChangelog<number>([
        ['+I', 1],
        ['-D', 1],
      ])
      .transform<number>('Scale', 'test-scale', { factor: 3 })
      .print('scaled');

    // The plan after planning at parallelism 2: the keyed tumbling reduce splits into a local phase
    // chained to its input and a sliced window over partial aggregates; uids default to
    // `<kind>-<id>` of the graph as built (so the changelog pipeline keeps ids 4..6 in its uids).
    const window = 'TumblingEventTimeWindows(10)';
    const local = `LocalWindowAggregate(${window})`;
    const node = (
      id: number,
      name: string,
      kind: string,
      params: object | undefined,
      uid: string,
      keyed: boolean,
      chain: number,
      changelog: string,
      inputs: object[][],
    ) => ({
      id,
      name,
      kind,
      ...(params ? { params } : {}),
      uid,
      parallelism: 2,
      keyed,
      chain,
      changelog,
      inputs,
    });
    const from = (id: number, partitioner = 'forward') => [{ from: id, partitioner }];
    const expected = {
      chains: [`Collection Source -> Double -> ${local}`, `Window(${window}, Reduce) -> Print`, 'Changelog Source -> Scale -> Print: scaled'],
      nodes: [
        node(0, 'Collection Source', 'source', undefined, 'source-0', false, 0, 'insert-only', []),
        node(1, 'Double', 'map', undefined, 'map-1', false, 0, 'insert-only', [from(0)]),
        node(2, local, 'localWindowAggregate', { assigner: window, function: 'reduce' }, 'sums-local', false, 0, 'insert-only', [from(1)]),
        node(3, `Window(${window}, Reduce)`, 'slicedWindow', { assigner: window, function: 'reduce', preAggregated: true }, 'sums', true, 1, 'insert-only', [
          from(2, 'hash'),
        ]),
        node(4, 'Print', 'sink', undefined, 'sink-3', false, 1, 'insert-only', [from(3)]),
        node(5, 'Changelog Source', 'source', undefined, 'source-4', false, 2, 'changelog', []),
        node(6, 'Scale', 'test-scale', { factor: 3 }, 'test-scale-5', false, 2, 'changelog', [from(5)]),
        node(7, 'Print: scaled', 'sink', undefined, 'sink-6', false, 2, 'changelog', [from(6)]),
      ],
    };
    expect(env.explain()).toBe(JSON.stringify(expected, null, 2));
  });

  it('runs a registered kind, and one-phase windows that cannot slice plan as the general window kind', async () => {
    const env = StreamEnvironment.create({ parallelism: 1 });
    const out = await env
      .fromChangelog<number>([
        ['+I', 2],
        ['-D', 2],
      ])
      .transform<number>('Scale', 'test-scale', { factor: 5 })
      .executeAndCollect();
    expect(out).toEqual([10, 10]);
    const general = StreamEnvironment.create({ parallelism: 1 });
    general
      .fromElements(1)
      .keyBy((x) => x)
      .window(TumblingEventTimeWindows.of(10))
      .allowedLateness(5)
      .reduce((a, b) => a + b)
      .print();
    const plan = JSON.parse(general.explain()) as { nodes: { kind: string; params?: Record<string, unknown> }[] };
    expect(plan.nodes.map((n) => n.kind)).toEqual(['source', 'window', 'sink']);
    expect(plan.nodes[1]!.params).toEqual({ assigner: 'TumblingEventTimeWindows(10)', function: 'reduce', allowedLateness: 5 });
  });

  it('fails at submission on a kind no factory registers, naming it and the registered kinds', () => {
    const env = StreamEnvironment.create();
    env.fromElements(1).transform('Mystery', 'no-such-kind', {}).print();
    expect(() => env.executeAsync('unknown kind')).toThrow(
      /Operator 'Mystery' has kind 'no-such-kind', which no factory registers; registered kinds: .*flatMap.*slicedWindow/,
    );
    expect(registeredOperatorKinds()).toContain('test-scale');
    expect(() => registerOperatorKind({ ...scaleKind })).toThrow(/'test-scale' is already registered/);
    expect(() => registerOperatorKind(scaleKind)).not.toThrow();
  });
});
