import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** Whether PostgreSQL's server binaries (`initdb`, `postgres`) are installed, Debian's layout. */
export function havePostgresBinaries(): boolean {
  if (!existsSync('/usr/lib/postgresql')) return false;
  return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
}

/** Whether MariaDB's server binaries (`mariadbd`, `mariadb-install-db`) are on the PATH. */
export function haveMariadbBinaries(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v mariadbd && command -v mariadb-install-db'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Tests that start a private server run in CI always (a missing binary fails them there); on a
 * developer's machine without the binaries they are skipped with a note saying what to install.
 */
export function serverTestsRun(name: string, installed: boolean, apt: string): boolean {
  if (installed || process.env.CI) return true;
  console.warn(`${name} tests skipped: the server binaries are missing (apt-get install -y ${apt})`);
  return false;
}
