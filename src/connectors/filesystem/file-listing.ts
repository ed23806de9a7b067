import { readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';

/**
 * Names starting with '.' or '_' are skipped, as in Flink: in-progress files of a sink and files
 * a writer has not yet renamed into place are not input.
 */
export function isHidden(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** The files under `path` (itself if it is a file), recursively, sorted by path. */
export function listFilesSync(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new ConfigError(`fileSource: cannot read '${path}': ${(e as Error).message}`);
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (isHidden(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(path);
  return out.sort();
}

/** As {@link listFilesSync}, without blocking the event loop; for continuous monitoring. */
export async function listFiles(path: string): Promise<string[]> {
  if ((await stat(path)).isFile()) return [path];
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (isHidden(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(path);
  return out.sort();
}
