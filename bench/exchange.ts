/**
 * `npm run bench:exchange [-- --records N]`: small records through one keyBy exchange, at
 * parallelism 1 (one thread, no serialization) and 2 (two worker-thread slots: half of every batch
 * crosses to the other thread through the columnar codec, with credit-based flow control). Prints
 * one JSON line per parallelism and the scaling ratio. Rates count from the moment the job runs
 * (`JobResult.startupMs` is reported beside them: slots start workers that load the job module).
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { records: { type: 'string', default: '5000000' } } });

function run(p: number): Promise<{ recordsPerSec: number; ms: number; startupMs: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'run', join(root, 'bench/jobs/exchange-job.ts'), '-p', String(p), '--no-progress'],
    {
      cwd: root,
      env: { ...process.env, WEIR_N: values.records },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((res, rej) =>
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!)) : rej(new Error(`exchange job at p=${p} exited with ${code}`)))),
  );
}

const one = await run(1);
const two = await run(2);
for (const [p, r] of [
  [1, one],
  [2, two],
] as const)
  process.stdout.write(
    JSON.stringify({ bench: 'keyBy-exchange', parallelism: p, records: Number(values.records), recordsPerSec: r.recordsPerSec, startupMs: r.startupMs }) + '\n',
  );
process.stdout.write(JSON.stringify({ bench: 'keyBy-exchange-scaling', ratio: +(two.recordsPerSec / one.recordsPerSec).toFixed(2) }) + '\n');
