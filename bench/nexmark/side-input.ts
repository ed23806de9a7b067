// Nexmark q13's side input: keys 0..9999, each with a text value, as a CSV file.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SIDE_INPUT_KEYS = 10_000;

/** The value of side input key `k`. */
export const sideInputValue = (k: number) => `value-${k}`;

/**
 * The path of the side input file (under the system's temporary directory), written once; the
 * DDL of bench/nexmark/sql/ddl-side-input.sql with that path.
 */
export function sideInputDdl(): string {
  const path = join(tmpdir(), `weir-nexmark-side-input-${SIDE_INPUT_KEYS}.csv`);
  if (!existsSync(path)) {
    const lines = Array.from({ length: SIDE_INPUT_KEYS }, (_, k) => `${k},${sideInputValue(k)}`);
    // Written aside and renamed: a concurrent reader sees the whole file or none.
    const part = `${path}.${process.pid}.tmp`;
    writeFileSync(part, lines.join('\n') + '\n');
    renameSync(part, path);
  }
  const ddl = readFileSync(new URL('./sql/ddl-side-input.sql', import.meta.url), 'utf8');
  return ddl.replace("'path' = 'side_input.txt'", `'path' = '${path}'`);
}
