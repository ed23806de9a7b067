import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

describe('weir run --web', () => {
  it('serves the REST API on a free port of the range and prints its address', async () => {
    const r = await runCli(['run', 'test/cli/fixtures/squares-job.ts', '--web', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Job '[^']+': REST API at http:\/\/127\.0\.0\.1:\d+ \(job id [0-9a-f]{32}\)/);
  });
});
