import { childPids, findProcess, procStat, TICKS_PER_SECOND } from './proc.js';

/** The pid of the database server listening on `port` (the postmaster, or mariadbd), found by its command line. */
export function serverPid(db: 'mariadb' | 'postgres', port: number): number {
  const pid = findProcess((argv) => {
    // runuser's command line holds the server's too: the program itself must be the server.
    const program = argv[0]!.split('/').pop();
    return db === 'postgres'
      ? program === 'postgres' && argv[argv.indexOf('-p') + 1] === String(port)
      : program === 'mariadbd' && argv.includes(`--port=${port}`);
  });
  if (pid === undefined) throw new Error(`cdc bench: no ${db} server process on port ${port}`);
  return pid;
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
  const own = procStat(pid);
  if (!own) throw new Error(`cdc bench: server process ${pid} is gone`);
  let ticks = own.ticks;
  for (const child of childPids(pid)) ticks += procStat(child)?.ticks ?? 0;
  return ticks / TICKS_PER_SECOND;
}
