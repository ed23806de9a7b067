import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { sessionOf, threadIds } from './proc.js';

/**
 * Sets the niceness of every thread of the processes `pids` (on Linux niceness belongs to a thread; threads
 * and processes started afterwards inherit their creator's). Below 0 needs root. With the kernel's
 * autogroups on, this only orders threads within one session: see {@link inOwnSession}.
 *
 * @example
 * setNice([process.pid], -10);
 */
export function setNice(pids: readonly number[], nice: number): void {
  for (const pid of pids) for (const tid of threadIds(pid)) setPriority(tid, nice);
}

const SESSION_VAR = 'WEIR_CDC_BENCH_SESSION';

/**
 * Runs this process again in a session of its own and resolves with its exit code; resolves undefined
 * in that copy, where it has set its session's autogroup niceness to `nice`. With autogroups on
 * (/proc/sys/kernel/sched_autogroup_enabled), the scheduler first shares the CPU between sessions, so
 * a thread's niceness says nothing against other sessions' work; an autogroup's niceness does. The
 * session is new, so the niceness reaches only this benchmark and what it starts (servers, writer),
 * never the shell it was started from.
 *
 * @example
 * const code = await inOwnSession(-10);
 * if (code !== undefined) process.exit(code); // the copy did the work
 */
export async function inOwnSession(nice: number): Promise<number | undefined> {
  if (process.env[SESSION_VAR] === '1') {
    // Only as a session's leader: the autogroup is then this session's, not the caller's.
    if (sessionOf(process.pid) !== process.pid) throw new Error('cdc bench: the copy for --nice is not in a session of its own');
    if (existsSync('/proc/self/autogroup')) writeFileSync('/proc/self/autogroup', String(nice));
    return undefined;
  }
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true, // setsid(): a new session, so a new autogroup
    stdio: 'inherit',
    env: { ...process.env, [SESSION_VAR]: '1' },
  });
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

/** This process's autogroup and its niceness, as /proc/self/autogroup says (`/autogroup-N nice K`). */
export function autogroup(pid: number | 'self' = 'self'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
