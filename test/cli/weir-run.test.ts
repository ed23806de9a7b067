import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, root, runCli, startCli } from './cli-process.js';

const fixture = (name: string) => `test/cli/fixtures/${name}.ts`;

describe('weir CLI', { concurrent: true }, () => {
  it('lists every command and flag in its help', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: weir/);
    expect(top.stdout).toMatch(/run \[options\] <job> \[args\.\.\.\]/);
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['-p, --parallelism <n>', '--plan', '--no-progress', '--stack']) expect(run.stdout).toContain(flag);
  });

  it('answers a misspelt option with the error, a suggestion and a pointer to --help, not the whole help', async () => {
    const r = await runCli(['run', fixture('squares-job'), '--paralelism', '2']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(["error: unknown option '--paralelism'", '(Did you mean --parallelism?)', "(see 'weir run --help')"]);
  });

  it('names only example files that exist in its help', async () => {
    const run = await runCli(['run', '--help']);
    const paths = [...run.stdout.matchAll(/\b[\w./-]+\.(?:ts|txt)\b/g)].map((m) => m[0]);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(existsSync(join(root, p)), p).toBe(true);
  });

  it('runs a job file with -p and job arguments, then prints a summary', async () => {
    const r = await runCli(['run', fixture('squares-job'), '-p', '2', '--', 'in.txt', '--fast']);
    const printed = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, printed).toBe(0);
    // With -p 2 the subtasks run in worker threads, which import the job module too.
    expect(r.stdout, printed).toContain('parallelism=2 args=["in.txt","--fast"]');
    expect(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('square:'))
        .map((l) => l.split('> ')[1])
        .sort(),
      printed,
    ).toEqual(['16', '4', '9']);
    expect(r.stderr, printed).toMatch(/Job 'squares' FINISHED in \d/);
    expect(r.stderr, printed).toMatch(/Square\s+2\s+4\s+4/);
    expect(r.stderr, printed).toMatch(/Drop One\s+2\s+4\s+3/);
  });

  it('prints the plan instead of running with --plan', async () => {
    const r = await runCli(['run', fixture('squares-job'), '--plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('square:');
    const plan = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    expect(plan.nodes.map((n: { name: string }) => n.name)).toEqual(['Collection Source', 'Square', 'Drop One', 'Print: square']);
    expect(r.stderr).not.toContain('FINISHED');
  });

  it('with --plan shows the effective parallelism of every node and stops the job module at execute()', async () => {
    const r = await runCli(['run', fixture('after-execute-job'), '--plan', '-p', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('after execute');
    const plan = JSON.parse(r.stdout);
    expect(plan.nodes.map((n: { name: string; parallelism: number }) => [n.name, n.parallelism])).toEqual([
      ['Sequence Source', 2],
      ['Add One', 2],
      ['Sum', 3],
      ['Print', 2],
    ]);
    expect(plan.chains).toEqual(['Sequence Source -> Add One', 'Sum', 'Print']);
  });

  it('exits non-zero with the error and its cause when the job fails', async () => {
    const r = await runCli(['run', fixture('failing-job')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Job 'picky' FAILED/);
    expect(r.stderr).toMatch(/operator 'Picky Map' failed on record 2/);
    expect(r.stderr).toMatch(/Caused by: Error: two is not allowed/);
  });

  it('reports a failure at -p 2 as at -p 1: real parallelism, the records counted, the cause', async () => {
    const r = await runCli(['run', fixture('failing-job'), '-p', '2']);
    const printed = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, printed).toBe(1);
    expect(r.stderr, printed).toMatch(/Job 'picky' FAILED/);
    // The failing subtask's own count reaches the summary: it read record 2 at least.
    const picky = /^ {2}Picky Map\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(r.stderr);
    expect(picky?.[1], printed).toBe('2');
    expect(Number(picky?.[2]), printed).toBeGreaterThanOrEqual(1);
    expect(r.stderr, printed).toMatch(/^ {2}Print\s+2\s/m);
    expect(r.stderr, printed).toMatch(/operator 'Picky Map' failed on record 2/);
    expect(r.stderr, printed).toMatch(/Caused by: Error: two is not allowed/);
  });

  it('reports the failure of a job whose execute() was not awaited, under weir run and run directly', async () => {
    for (const p of ['1', '2']) {
      const r = await runCli(['run', fixture('unawaited-failing-job'), '-p', p]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/Job 'unawaited' FAILED/);
      expect(r.stderr).toMatch(/Caused by: Error: two is not allowed/);
    }
    // Without the CLI nobody else hears of the failure: it must not pass silently with exit code 0.
    const direct = await finish(
      spawn(process.execPath, ['--import', 'tsx', fixture('unawaited-failing-job')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    expect(direct.code, direct.stderr).not.toBe(0);
    expect(direct.stderr).toMatch(/operator 'Picky Map' failed on record 2/);
    expect(direct.stderr).toMatch(/two is not allowed/);
  });

  it('adds stack traces with --stack', async () => {
    const r = await runCli(['run', fixture('failing-job'), '--stack']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UserFunctionError: User function in operator 'Picky Map'[^\n]*\n\s+at /);
    expect(r.stderr).toMatch(/Caused by: Error: two is not allowed\n\s+at .*failing-job\.ts/);
  });

  it('says so when the job file starts no job, or does not exist', async () => {
    const none = await runCli(['run', fixture('no-execute-job')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/started no job/);
    const missing = await runCli(['run', 'no/such/job.ts']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/job file not found: no\/such\/job\.ts/);
  });

  it('rejects a parallelism that is not a positive whole number', async () => {
    const r = await runCli(['run', fixture('squares-job'), '-p', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/expected a whole number >= 1/);
  });

  it('cancels the job on Ctrl-C and reports it', async () => {
    const child = startCli(['run', fixture('endless-job')]);
    const done = finish(child);
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.includes('tick') && resolve()));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Job 'endless' CANCELED/);
    expect(r.stderr).toMatch(/was cancelled/);
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasScript)('weir CLI on a terminal', () => {
  it('shows a live progress line with records in and out per second and the watermark lag, then clears it', async () => {
    // `script` gives the CLI a pseudo-terminal; the job's own output goes to /dev/null.
    const cmd = `${process.execPath} --import tsx src/cli/main.ts run test/cli/fixtures/endless-job.ts > /dev/null`;
    const child = (await import('node:child_process')).spawn('script', ['-qfc', cmd, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const done = finish(child);
    let seen = '';
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => ((seen += d), /watermark lag [\d,]+ days/.test(seen) && resolve())));
    child.stdin!.write('\x03');
    const r = await done;
    const lines = r.stdout.split('\r');
    // The ticks are event times of 2024: the watermark lags the wall clock by days.
    expect(lines.some((l) => /endless: in \d+\/s, out \d+\/s, [\d,]+ read, watermark lag [\d,]+ days, \d/.test(l))).toBe(true);
    // The summary starts on a clean line: the progress line was erased first.
    expect(r.stdout).toMatch(/(\n|\x1b\[2K)Job 'endless' CANCELED/);
  });
});
