// The CDC benchmark's --nice: the copy in a session of its own has an autogroup of its own at that
// niceness, and the caller's autogroup keeps its niceness.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autogroup } from '../../bench/cdc/priority.js';

describe.runIf(existsSync('/proc/self/autogroup'))('inOwnSession', () => {
  it('runs a copy in a new autogroup at the niceness and hands back its exit code', () => {
    const mine = autogroup()!;
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'own-session-child.ts'), '6'], { encoding: 'utf8' });
    const [copy, caller] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { copy: boolean; before?: string; after: string; code?: number });
    expect(copy!.copy).toBe(true);
    // The copy's session had its own autogroup from the start; the niceness went to that one.
    expect(copy!.before!.split(' ')[0]).not.toBe(mine.split(' ')[0]);
    expect(copy!.after).toBe(`${copy!.before!.split(' ')[0]} nice 6`);
    expect(caller).toEqual({ copy: false, code: 3, after: mine });
    expect(autogroup()).toBe(mine);
  });
});
