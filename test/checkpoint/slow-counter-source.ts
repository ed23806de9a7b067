import { Batch, type Source } from '../../src/index.js';

/**
 * A replayable test source: values 0..count-1, `perBatch` at a time, each batch after a timer tick,
 * so checkpoints get a chance to run between batches. Its position is the next value.
 */
export function slowCounter(count: number, perBatch = 10, delayMs = 1): Source<number> {
  return {
    name: 'slow-counter',
    bounded: true,
    replayable: true,
    maxParallelism: 1,
    splits: () => [{ id: 'all' }],
    createReader(_splits, _ctx, restored) {
      let next = (restored as number | undefined) ?? 0;
      return {
        poll: () =>
          new Promise((resolve) =>
            setTimeout(() => {
              if (next >= count) return resolve('end');
              const end = Math.min(count, next + perBatch);
              const values: number[] = [];
              for (let i = next; i < end; i++) values.push(i);
              next = end;
              resolve(
                new Batch(
                  values,
                  values.map((v) => v * 10),
                ),
              );
            }, delayMs),
          ),
        snapshotState: () => next,
      };
    },
  };
}
