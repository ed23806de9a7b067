import { describe, expect, it } from 'vitest';
import { arraySource, type Sink, type Source, type SourceReader } from '../../src/index.js';
import { describeSinkConformance, describeSourceConformance, type TestApi } from '../../src/testing/index.js';
import { rangesSource } from '../connectors/ranges-source.js';

/**
 * The suites catch what they promise to catch: run over connectors broken in one way each, the
 * tests about that contract fail and the others pass. A TestApi that collects the tests instead of
 * registering them lets this file run them and look at the outcome.
 */
async function outcome(register: (api: TestApi) => void): Promise<Record<string, boolean>> {
  const tests: [string, () => Promise<void>][] = [];
  register({ describe: (_name, body) => body(), it: (name, body) => void tests.push([name, body]) });
  const passed: Record<string, boolean> = {};
  for (const [name, body] of tests)
    passed[name] = await body().then(
      () => true,
      () => false,
    );
  return passed;
}
const failing = (o: Record<string, boolean>) => Object.keys(o).filter((k) => !o[k]);

/** Readers whose snapshots claim one record less than they returned: a restore repeats it. */
function replaysOne<T>(source: Source<T>): Source<T> {
  return {
    ...source,
    createReader(splits, ctx, restored) {
      const reader: SourceReader<T> = source.createReader(splits, ctx, restored);
      let last: unknown;
      return {
        poll: async () => {
          last = reader.snapshotState!();
          return reader.poll();
        },
        snapshotState: () => last ?? reader.snapshotState!(),
      };
    },
  };
}

/** A two-phase memory sink: prepared transactions outlive a crashed writer, as a database keeps them. */
function memorySink(broken: { commitAtPreCommit?: boolean; ignoreRecover?: boolean } = {}) {
  return () => {
    const visible: unknown[] = [];
    const pending = new Map<string, unknown[]>();
    let seq = 0;
    const sink = (): Sink<unknown> => ({
      deliveryGuarantee: 'exactly-once',
      describeUncommitted: () => 'rows of checkpoints not completed stay pending',
      createWriter(ctx) {
        let open: unknown[] = [];
        const mine: [number, string][] = [];
        const commitTxn = (txn: string) => {
          visible.push(...(pending.get(txn) ?? []));
          pending.delete(txn);
        };
        return {
          write: (b) => void open.push(...b.values),
          preCommit: (id) => {
            const txn = `${ctx.subtaskIndex}-${id}-${seq++}`;
            pending.set(txn, open);
            open = [];
            mine.push([id, txn]);
            if (broken.commitAtPreCommit) commitTxn(txn);
            return mine.map(([, t]) => t);
          },
          commit: (id) => {
            for (const [cid, txn] of mine.splice(0)) cid <= id ? commitTxn(txn) : mine.push([cid, txn]);
          },
          recover: (committables) => {
            if (broken.ignoreRecover) return;
            for (const txns of committables as string[][]) for (const t of txns) commitTxn(t);
          },
          finish: () => {
            if (ctx.checkpointingMode === 'EXACTLY_ONCE') return;
            visible.push(...open);
            open = [];
          },
        };
      },
    });
    return { sink, visible: () => visible };
  };
}

describe('the conformance suites', () => {
  const rows = Array.from({ length: 100 }, (_, i) => ({ i }));

  it('pass a correct source and fail one whose restores repeat a record, on the restore tests only', async () => {
    expect(failing(await outcome((api) => describeSourceConformance('rows', () => arraySource(rows), { ...api, expected: () => rows })))).toEqual([]);
    const broken = failing(await outcome((api) => describeSourceConformance('rows', () => replaysOne(arraySource(rows)), { ...api, expected: () => rows })));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((t) => t.includes('restored'))).toBe(true);
  });

  it('fail a split enumerator that forgets the splits a restore hands back', async () => {
    const forgets = (): Source<number> => {
      const s = rangesSource({ initial: 4, later: 0, size: 20 });
      const createEnumerator: Source<number>['createEnumerator'] = (ctx, restored) => {
        const e = s.createEnumerator!(ctx as never, restored);
        e.addSplitsBack = () => {};
        return e;
      };
      return { ...s, createEnumerator } as Source<number>;
    };
    const broken = failing(await outcome((api) => describeSourceConformance('ranges', forgets, api)));
    expect(broken).toEqual(['restored from a checkpoint taken mid-read, at the same or another parallelism, reads exactly what is left']);
  });

  it('pass a correct two-phase sink and fail broken ones on the contract they break', async () => {
    expect(failing(await outcome((api) => describeSinkConformance('memory', memorySink(), api)))).toEqual([]);
    const early = failing(await outcome((api) => describeSinkConformance('memory', memorySink({ commitAtPreCommit: true }), api)));
    expect(early).toContain('makes output visible only when the checkpoint that covers it completes, once');
    const forgetful = failing(await outcome((api) => describeSinkConformance('memory', memorySink({ ignoreRecover: true }), api)));
    expect(forgetful).toContain('after a crash, a restore commits the restored checkpoint once and drops what no checkpoint covered');
    expect(forgetful).toContain('restores the pending output of 2 writers into 1, each once');
  });
});
