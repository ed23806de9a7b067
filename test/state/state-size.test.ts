import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { mapState, valueState } from '../../src/core/state.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';
import { keyedBackends } from './keyed-backends.js';

describe.each(keyedBackends)('stateSize() of the $name backend (the stateEntries metric)', ({ name, create }) => {
  it('counts a key of one state once, over every state', () => {
    const b = create(new ManualClock(0), 128);
    expect(b.stateSize!().entries).toBe(0);
    const count = b.getState(valueState<number>('count'));
    const seen = b.getMapState(mapState<string, number>('seen'));
    for (let k = 0; k < 10; k++) {
      b.setCurrentKey(`user-${k}`);
      count.update(k);
      if (k < 3) {
        seen.put('a', 1);
        seen.put('b', 2);
      }
    }
    // The disk backend counts what it has written to its store: a snapshot writes its cache back.
    if (name === 'lmdb') b.snapshot();
    const size = b.stateSize!();
    // 10 values and 3 maps (of two entries each, stored as one value per key).
    expect(size.entries).toBe(13);
    if (name === 'lmdb') expect(size.bytes).toBeGreaterThan(0);
    if (b instanceof LmdbKeyedStateBackend) b.dispose();
  });
});
