import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lines of the visible (committed) part files of a file sink directory; hidden parts are not output (none before the sink made its directory). */
export function committedLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l.length > 0);
}
