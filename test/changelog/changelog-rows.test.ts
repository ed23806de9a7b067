import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Batch,
  BatchBuilder,
  CollectSink,
  RowKind,
  StreamEnvironment,
  rowKindShort,
  type ChangelogRow,
  type RowKindShort,
  type Sink,
} from '../../src/index.js';
import { EdgeRouter, type ChannelTarget } from '../../src/runtime/edge-router.js';
import { runWeir } from '../parallel/run-job.js';

interface Row {
  id: number;
  n: number;
}

const kindArb = fc.constantFrom<RowKindShort>('+I', '-U', '+U', '-D');
const rowsArb = fc.array(fc.tuple(kindArb, fc.record({ id: fc.integer({ min: 0, max: 9 }), n: fc.integer({ min: -50, max: 50 }) })), { maxLength: 60 });

describe('changelog rows', () => {
  it('map, filter, flatMap, union and keyBy pass every row kind on with its row (property)', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, rowsArb, fc.constantFrom(1, 2, 3), fc.constantFrom(1, 7, 1024), async (a, b, parallelism, batchSize) => {
        const env = StreamEnvironment.create({ parallelism, batchSize, 'execution.slot-mode': 'single-thread' });
        const out = new CollectSink<string>();
        env
          .fromChangelog<Row>(a as ChangelogRow<Row>[])
          .union(env.fromChangelog<Row>(b as ChangelogRow<Row>[]))
          .map((r) => ({ ...r, n: r.n * 2 }))
          .filter((r) => r.n >= 0)
          .flatMap((r) => (r.id % 3 === 0 ? [r, r] : [r]))
          .keyBy((r) => r.id)
          .map((r) => `${r.id}:${r.n}`)
          .sinkTo(out);
        await env.execute('changelog-pass-through');
        // The same pipeline on plain arrays: each output row keeps its input row's kind.
        const expected = [...a, ...b]
          .map(([k, r]) => [k, { ...r, n: r.n * 2 }] as const)
          .filter(([, r]) => r.n >= 0)
          .flatMap(([k, r]) => (r.id % 3 === 0 ? [[k, r] as const, [k, r] as const] : [[k, r] as const]))
          .map(([k, r]) => `${k} ${r.id}:${r.n}`);
        const got = out.values.map((v, i) => `${rowKindShort(out.kinds[i]!)} ${v}`);
        expect([...got].sort()).toEqual([...expected].sort());
        // From one source subtask, rows of one key keep their order through the exchange.
        if (b.length === 0 && parallelism === 1) {
          for (let id = 0; id < 10; id++) {
            const mine = (xs: string[]) => xs.filter((x) => x.split(' ')[1]!.startsWith(`${id}:`));
            expect(mine(out.values.map((v, i) => `${rowKindShort(out.kinds[i]!)} ${v}`))).toEqual(mine(expected));
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('fails an insert-only operator that receives a retraction, naming the operator and the row', async () => {
    const env = StreamEnvironment.create({ 'execution.slot-mode': 'single-thread' });
    env
      .fromChangelog<Row>([
        ['+I', { id: 1, n: 5 }],
        ['-U', { id: 1, n: 5 }],
        ['+U', { id: 1, n: 6 }],
      ])
      .keyBy((r) => r.id)
      .process<Row>({ processElement: (r, _ctx, out) => out.collect(r) })
      .name('Totals')
      .sinkTo(new CollectSink<Row>());
    await expect(env.execute('process-over-changelog')).rejects.toThrow(/Operator 'Totals' takes insert-only input, but received a -U row: .*"id":1,"n":5/);
  });

  it('fails a sink that does not declare it handles changelogs, instead of writing a deletion as a record', async () => {
    const written: number[] = [];
    const plain: Sink<number> = { name: 'Plain', createWriter: () => ({ write: (batch) => void written.push(...batch.values) }) };
    const env = StreamEnvironment.create({ 'execution.slot-mode': 'single-thread' });
    env
      .fromChangelog<number>([
        ['+I', 1],
        ['-D', 1],
      ])
      .sinkTo(plain);
    await expect(env.execute('plain-sink')).rejects.toThrow(/'Plain' takes insert-only input, but received a -D row: 1/);
    expect(written).toEqual([]);
  });

  it('leaves insert-only batches without a kinds column, so the DataStream path carries nothing extra', () => {
    const b = new BatchBuilder<number>();
    b.add(1, 0);
    b.addRow(2, 0, RowKind.INSERT);
    expect(b.take().kinds).toBeUndefined();
    b.add(1, 0);
    b.addRow(2, 0, RowKind.DELETE);
    b.add(3, 0);
    expect([...b.take().kinds!]).toEqual([RowKind.INSERT, RowKind.DELETE, RowKind.INSERT]);
  });

  it('keyed routing sends each row kind with its row to the channel of its key, in order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 5 }),
        (rows, par) => {
          // Values are row indices, so order and kind can be checked against the input row.
          const got: [number, number][][] = Array.from({ length: par }, () => []);
          const channels = Array.from({ length: par }, (_, c) => ({
            index: 0,
            target: {
              receiveBatch: (_ch: number, batch: Batch<unknown>) => batch.values.forEach((v, i) => got[c]!.push([v as number, batch.kinds?.[i] ?? -1])),
              receiveControl() {},
            } satisfies ChannelTarget,
          }));
          const router = new EdgeRouter({ type: 'hash', key: (i: number) => rows[i]![1] % 7 }, channels, 128, 'test');
          router.route(
            new Batch(
              rows.map((_, i) => i),
              rows.map(() => 0),
              undefined,
              Uint8Array.from(rows.map(([k]) => k)),
            ),
          );
          const channelOfKey = new Map<number, number>();
          for (let c = 0; c < par; c++) {
            const ch = got[c]!;
            for (let j = 0; j < ch.length; j++) {
              const [i, kind] = ch[j]!;
              expect(kind).toBe(rows[i]![0]);
              if (j > 0) expect(i).toBeGreaterThan(ch[j - 1]![0]);
              const key = rows[i]![1] % 7;
              expect(channelOfKey.get(key) ?? c).toBe(c);
              channelOfKey.set(key, c);
            }
          }
          expect(
            got
              .flat()
              .map(([i]) => i)
              .sort((x, y) => x - y),
          ).toEqual(rows.map((_, i) => i));
        },
      ),
    );
  });
});

describe('changelog rows between worker-thread slots', () => {
  it('cross the slot codec with their kinds and per-key order', async () => {
    const job = new URL('./jobs/changelog-job.ts', import.meta.url).pathname;
    const run = await runWeir(['run', job, '-p', '2']).done;
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const kinds: RowKindShort[] = ['+I', '-U', '+U', '-D'];
    const expected = Array.from({ length: 3_000 }, (_, i) => i)
      .filter((i) => i % 5 !== 0)
      .map((i) => `${kinds[(i * 7) % 4]} ${i % 37}:${i}`);
    const got = run.lines.filter((l) => /^[+-][IUD] \d+:\d+$/.test(l));
    expect([...got].sort()).toEqual([...expected].sort());
    for (let id = 0; id < 37; id++) {
      const mine = (xs: string[]) => xs.filter((x) => x.split(' ')[1]!.startsWith(`${id}:`));
      expect(mine(got)).toEqual(mine(expected));
    }
  });
});
