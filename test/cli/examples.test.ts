import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from './cli-process.js';
import { ensureFreshDist } from './fresh-dist.js';

// Examples import from 'weir', which resolves to the built package: dist/, rebuilt here when the
// sources changed since its last build.
beforeAll(ensureFreshDist, 300_000);

describe('examples run through the CLI', { concurrent: true }, () => {
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

  it('fraud-detection counts its audited transactions in the main thread, where it prints them', async () => {
    const r = await runCli(['run', 'examples/fraud-detection.ts', '-p', '2', '--', '100000']);
    expect(r.code, r.stderr).toBe(0);
    const audit = /^ {2}Audit\s+2\s+([\d,]+)/m.exec(r.stderr)?.[1];
    expect(audit, r.stderr).toBeDefined();
    expect(Number(audit!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(r.stdout).toContain(`${audit!.replace(/,/g, '')} large transactions without a preceding card test`);
    const alerts = r.stdout.split('\n').filter((l) => /^(\d+> )?ALERT /.test(l)).length;
    expect(r.stderr).toMatch(new RegExp(`Fraud Detector\\s+2\\s+100,000\\s+${alerts}\\n`));
  });
});

/** Job arguments that keep each example short; every example in examples/ must be listed. */
const SMALL_INPUTS: Record<string, string[]> = {
  'hot-items.ts': ['500000'],
  'fraud-detection.ts': ['100000'],
  'word-count.ts': [],
};

/** What a job printed, as a multiset: the subtask prefix of a parallel print sink (`2> `) removed. */
function printed(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\d+> /, ''))
    .sort();
}

describe('every example prints the same at parallelism 1 and 2', { concurrent: true }, () => {
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));

  it('lists small inputs for every example', () => {
    expect(Object.keys(SMALL_INPUTS).sort()).toEqual(examples.sort());
  });

  it.each(examples)('%s', async (file) => {
    const args = SMALL_INPUTS[file] ?? [];
    const [p1, p2] = await Promise.all(['1', '2'].map((p) => runCli(['run', `examples/${file}`, '-p', p, '--', ...args])));
    expect(p1!.code, p1!.stderr).toBe(0);
    expect(p2!.code, p2!.stderr).toBe(0);
    expect(printed(p1!.stdout).length).toBeGreaterThan(0);
    expect(printed(p2!.stdout)).toEqual(printed(p1!.stdout));
  });
});
