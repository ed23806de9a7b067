// The CDC benchmark's --nice: every thread of a process gets the niceness, not only its main thread.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { setNice } from '../../bench/cdc/priority.js';
import { niceOf, threadIds } from '../../bench/cdc/proc.js';

describe('setNice', () => {
  it('sets every thread of a running Node process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      // Node starts its platform and libuv threads at start-up: wait until there are several.
      for (let i = 0; i < 250 && threadIds(child.pid!).length < 4; i++) await new Promise((r) => setTimeout(r, 20));
      const tids = threadIds(child.pid!);
      expect(tids.length).toBeGreaterThanOrEqual(4);
      // Relative to what the child inherited, in case the tests themselves run niced.
      const start = niceOf(child.pid!);
      expect(tids.map(niceOf)).toEqual(tids.map(() => start));
      const target = start < 19 ? start + 1 : 18;
      setNice([child.pid!], target);
      expect(threadIds(child.pid!).map(niceOf)).toEqual(tids.map(() => target));
    } finally {
      child.kill();
    }
  });
});
