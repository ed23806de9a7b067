import { setPriority } from 'node:os';
import { threadIds } from './proc.js';

/**
 * Sets the niceness of every thread of the processes `pids` (on Linux niceness belongs to a thread; threads
 * and processes started afterwards inherit their creator's). Below 0 needs root. The benchmark uses it to
 * give the CDC path (job, writer, server) the CPU it asks for on a shared machine: `--nice -10`.
 *
 * @example
 * setNice([process.pid], -10);
 */
export function setNice(pids: readonly number[], nice: number): void {
  for (const pid of pids) for (const tid of threadIds(pid)) setPriority(tid, nice);
}
