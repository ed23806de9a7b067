import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli-process.js';

const STAMP = join(root, 'dist', '.built-from-src');
const LOCK = join(root, 'node_modules', '.cache', 'weir-dist-build.lock');
/** What the build reads: when any of it is newer than the last build, dist/ is stale. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when dist/ was built after the last change to the sources (a stamp the build below writes). */
export function distIsFresh(): boolean {
  return existsSync(STAMP) && statSync(STAMP).mtimeMs >= Math.max(...INPUTS.map((p) => newestMtime(join(root, p))));
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Tests of what imports 'weir' (the examples, a project with weir installed) run the built package,
 * dist/: this rebuilds it when the sources changed since its last build, so those tests neither skip
 * nor run stale code. One build at a time across test files (a lock directory); a test file that
 * waited re-checks and finds it fresh.
 */
export function ensureFreshDist(): void {
  if (distIsFresh()) return;
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is left from a killed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 300_000) rmdirSync(LOCK);
      sleep(200);
    }
  }
  try {
    if (distIsFresh()) return;
    const started = Date.now();
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building dist/ failed:\n${r.stdout}${r.stderr}`);
    // Stamped with the build's start, so a source saved during the build counts as newer.
    writeFileSync(STAMP, '');
    utimesSync(STAMP, new Date(started), new Date(started));
  } finally {
    rmdirSync(LOCK);
  }
}
