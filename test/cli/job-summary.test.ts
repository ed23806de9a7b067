import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

describe('the job summary of weir run', () => {
  it('names every operator: an unnamed sink gets a default name, print sinks their prefix, windows a short name', async () => {
    const r = await runCli(['run', 'test/cli/fixtures/named-sinks-job.ts']);
    const printed = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, printed).toBe(0);
    expect(r.stderr, printed).toMatch(/Job 'names' FINISHED/);
    expect(r.stderr, printed).toMatch(/^ {2}Print: all\s+1\s+4\s+0$/m);
    expect(r.stderr, printed).toMatch(/^ {2}Print: even\s+1\s+2\s+0$/m);
    expect(r.stderr, printed).toMatch(/^ {2}Sink\s+1\s+4\s+0$/m);
    // The default trigger goes without saying: the name keeps what tells windows apart.
    expect(r.stderr, printed).toMatch(/^ {2}Window\(TumblingEventTimeWindows\(10\), Aggregate\)\s+1\s+4\s+2$/m);
  });
});
