import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in these. */
const TICKS_PER_SECOND = 100;

/** The pid of the database server listening on `port` (the postmaster, or mariadbd), found by its command line. */
export function serverPid(db: 'mariadb' | 'postgres', port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    // runuser's command line holds the server's too: the program itself must be the server.
    const program = argv[0]!.split('/').pop();
    if (db === 'postgres' ? program === 'postgres' && argv[argv.indexOf('-p') + 1] === String(port) : program === 'mariadbd' && argv.includes(`--port=${port}`))
      return Number(entry);
  }
  throw new Error(`cdc bench: no ${db} server process on port ${port}`);
}

/** Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime) and field 4 (ppid), or undefined once it is gone. */
function stat(pid: number | string): { ppid: number; ticks: number } | undefined {
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

/**
 * CPU seconds the server `pid` has used so far: all its threads, its children still running (PostgreSQL's
 * backends, WAL senders and background workers) and those it has reaped.
 *
 * @example
 * const pid = serverPid('postgres', 5433);
 * const before = serverCpuSeconds(pid);
 * // ... work ...
 * const used = serverCpuSeconds(pid) - before;
 */
export function serverCpuSeconds(pid: number): number {
  const own = stat(pid);
  if (!own) throw new Error(`cdc bench: server process ${pid} is gone`);
  let ticks = own.ticks;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(entry);
    if (s && s.ppid === pid) ticks += s.ticks;
  }
  return ticks / TICKS_PER_SECOND;
}
