/**
 * `npm run chaos -- --kills N [--rows R] [--rate EPS] [-p P] [--seed S] [--state-backend lmdb [--incremental]
 * [--cache-entries C]]`: the crash test at any length. `--incremental` takes incremental checkpoints;
 * `--cache-entries` bounds the disk backend's cache (a small one sends nearly every state access and
 * timer through the store). Prints the kill schedule's seed, then `kills=N lost=0 duplicated=0`,
 * and exits 0 when the committed output of a run killed N times equals the output computed from
 * the input; non-zero otherwise. `--seed S` replays the kill schedule of a failed run.
 */
import { parseArgs } from 'node:util';
import { runChaos } from '../test/chaos/chaos-driver.js';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '10' },
    rows: { type: 'string' },
    rate: { type: 'string' },
    parallelism: { type: 'string', short: 'p', default: '1' },
    seed: { type: 'string' },
    'state-backend': { type: 'string' },
    incremental: { type: 'boolean', default: false },
    'cache-entries': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const kills = Number(values.kills);
const rows = values.rows ? Number(values.rows) : Math.max(6000, kills * 3000);
const result = await runChaos({
  kills,
  rows,
  rate: values.rate ? Number(values.rate) : 3000,
  parallelism: Number(values.parallelism),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  ...(values['state-backend'] ? { stateBackend: values['state-backend'] } : {}),
  incremental: values.incremental,
  ...(values['cache-entries'] ? { cacheEntries: Number(values['cache-entries']) } : {}),
  log: values.verbose ? (l: string) => process.stderr.write(l + '\n') : (l: string) => l.startsWith('seed ') && process.stderr.write(l + '\n'),
});
process.stdout.write(`kills=${result.kills} lost=${result.lost} duplicated=${result.duplicated}\n`);
process.stderr.write(
  `(${result.committed} committed lines, ${result.expected} expected; ${result.lateDropped} late rows dropped to the side output, ${result.lateAcceptedAfterRestore} accepted after a restore; replay with --seed ${result.seed})\n`,
);
process.exitCode = result.lost === 0 && result.duplicated === 0 && result.kills === kills ? 0 : 1;
