import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, runCli } from './cli-process.js';

// Examples import from 'weir', which resolves to the built package (dist/, made by `npm ci`).
const built = existsSync(join(root, 'dist/index.js'));

describe.skipIf(!built)('examples run through the CLI', { concurrent: true }, () => {
  it('word-count prints the most frequent words of its text file', async () => {
    const r = await runCli(['run', 'examples/word-count.ts']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('115 distinct words; the 10 most frequent:');
    expect(r.stdout).toMatch(/^\s+21 {2}the$/m);
    expect(r.stderr).toMatch(/Job 'word-count' FINISHED/);
  });

  it('word-count reads the file given as a job argument', async () => {
    const r = await runCli(['run', 'examples/word-count.ts', '--', 'test/cli/fixtures/two-lines.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['3 distinct words; the 10 most frequent:', '     3  a', '     3  stream', '     1  weir']);
  });

  it('fraud-detection finds the same alerts on every run', async () => {
    const r = await runCli(['run', 'examples/fraud-detection.ts']);
    expect(r.code).toBe(0);
    const alerts = r.stdout.split('\n').filter((l) => l.startsWith('ALERT '));
    expect(alerts).toHaveLength(15);
    expect(alerts[0]).toBe('ALERT acct-0230: $0.78 then $1962.54 at 2024-03-01T00:36:38.338Z');
    expect(r.stdout).toContain('5010 large transactions without a preceding card test');
    expect(r.stderr).toMatch(/Fraud Detector\s+1\s+500,000\s+15/);
  });
});
