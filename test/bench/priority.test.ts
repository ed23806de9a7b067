// The CDC benchmark's --nice: every thread of a process gets the niceness, not only its main thread.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { setNice } from '../../bench/cdc/priority.js';
import { niceOf, threadIds } from '../../bench/cdc/proc.js';

describe('setNice', () => {
  it('sets every thread of a running Node process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    try {
      // Node starts its platform and libuv threads at start-up, not all at once: wait until there
      // are several and their number held for 200 ms (a thread started after the renice below, by one
      // not yet reniced, would keep the old niceness).
      let seen = 0;
      for (let i = 0, steady = 0; i < 500 && (seen < 4 || steady < 10); i++) {
        await new Promise((r) => setTimeout(r, 20));
        const n = threadIds(child.pid!).length;
        steady = n === seen ? steady + 1 : 0;
        seen = n;
      }
      const tids = threadIds(child.pid!);
      expect(tids.length).toBeGreaterThanOrEqual(4);
      // Relative to what the child inherited, in case the tests themselves run niced.
      const start = niceOf(child.pid!);
      expect(tids.map(niceOf)).toEqual(tids.map(() => start));
      const target = start < 19 ? start + 1 : 18;
      setNice([child.pid!], target);
      const after = threadIds(child.pid!);
      expect(after.length).toBeGreaterThanOrEqual(tids.length);
      expect(after.map(niceOf)).toEqual(after.map(() => target));
    } finally {
      child.kill();
    }
  });
});
