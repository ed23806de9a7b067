/**
 * `npm run chaos -- --kills N [--rows R] [--rate EPS] [-p P]`: the crash test at any length. Prints
 * `kills=N lost=0 duplicated=0` and exits 0 when the committed output of a run killed N times
 * equals an uninterrupted run's; non-zero otherwise.
 */
import { parseArgs } from 'node:util';
import { runChaos } from '../test/chaos/chaos-driver.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '10' }, rows: { type: 'string' }, rate: { type: 'string' }, parallelism: { type: 'string', short: 'p', default: '1' }, verbose: { type: 'boolean', default: false } } });
const kills = Number(values.kills);
const rows = values.rows ? Number(values.rows) : Math.max(6000, kills * 3000);
const result = await runChaos({
  kills,
  rows,
  rate: values.rate ? Number(values.rate) : 3000,
  parallelism: Number(values.parallelism),
  ...(values.verbose ? { log: (l: string) => process.stderr.write(l + '\n') } : {}),
});
process.stdout.write(`kills=${result.kills} lost=${result.lost} duplicated=${result.duplicated}\n`);
process.stderr.write(`(${result.committed} committed lines, ${result.expected} expected)\n`);
process.exitCode = result.lost === 0 && result.duplicated === 0 && result.kills === kills ? 0 : 1;
