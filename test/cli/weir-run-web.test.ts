import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

describe('weir run --web', () => {
  it('serves the REST API on a free port of the range and prints its address', async () => {
    const r = await runCli(['run', 'test/cli/fixtures/squares-job.ts', '--web', '0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Job '[^']+': REST API at http:\/\/127\.0\.0\.1:\d+ \(job id [0-9a-f]{32}\)/);
  });

  it('without a port, before the job file, keeps the file as the job (8081 or the next free port)', async () => {
    const r = await runCli(['run', '--web', 'test/cli/fixtures/squares-job.ts']);
    expect(r.stderr).not.toMatch(/missing required argument/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Job '[^']+': REST API at http:\/\/127\.0\.0\.1:(80[89]\d|81[0-7]\d|8180) \(job id [0-9a-f]{32}\)/);
  });
});
