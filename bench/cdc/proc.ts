import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in these. */
export const TICKS_PER_SECOND = 100;

const numeric = (names: string[]) => names.filter((n) => /^\d+$/.test(n)).map(Number);

/** Field 4 (ppid) and fields 14-17 (utime, stime, cutime, cstime, summed) of /proc/PID/stat, or undefined once it is gone. */
export function procStat(pid: number): { ppid: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
}

/** The running processes whose parent is `pid`. */
export function childPids(pid: number): number[] {
  return numeric(readdirSync('/proc')).filter((p) => procStat(p)?.ppid === pid);
}

/** The threads of process `pid` (none once it is gone). */
export function threadIds(pid: number): number[] {
  try {
    return numeric(readdirSync(`/proc/${pid}/task`));
  } catch {
    return [];
  }
}

/** The pid of the first process whose command line (argv) satisfies `match`. */
export function findProcess(match: (argv: string[]) => boolean): number | undefined {
  for (const pid of numeric(readdirSync('/proc'))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (match(argv)) return pid;
  }
  return undefined;
}

/** The niceness of thread or process `tid` (field 19 of /proc/TID/stat). */
export function niceOf(tid: number): number {
  const text = readFileSync(`/proc/${tid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The session id of process `pid` (field 6 of /proc/PID/stat). */
export function sessionOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[3]);
}
