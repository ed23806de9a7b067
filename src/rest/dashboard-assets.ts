import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The web dashboard's files: its own page, script and style (the package's `dashboard/` folder,
 * plain ES module, no build step) and the dist files of the libraries it draws with, found in
 * node_modules at run time. Everything is served by the REST server itself, so the dashboard works
 * offline. Only these paths are served: nothing else of the disk is reachable.
 */

const require = createRequire(import.meta.url);
/** `dashboard/` beside `src/` (run from the sources) or `dist/` (installed). */
const own = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const lib = (pkg: string, file: string) => () => join(dirname(require.resolve(pkg)), file);

interface Asset {
  readonly path: () => string;
  readonly type: string;
}

const ASSETS: Record<string, Asset> = {
  '/': { path: () => join(own, 'index.html'), type: 'text/html; charset=utf-8' },
  '/web/dashboard.js': { path: () => join(own, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/web/dashboard.css': { path: () => join(own, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  // Self-contained builds that define the globals `dagre` and `uPlot`.
  '/web/dagre.min.js': { path: lib('@dagrejs/dagre', 'dagre.min.js'), type: 'text/javascript; charset=utf-8' },
  '/web/uPlot.iife.min.js': { path: lib('uplot', 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/web/uPlot.min.css': { path: lib('uplot', 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const cache = new Map<string, Promise<Uint8Array>>();

/** Whether `path` is one of the dashboard's files (served without a token: they hold no data). */
export function isDashboardAsset(path: string): boolean {
  return Object.hasOwn(ASSETS, path);
}

/**
 * The content and type of the dashboard file at `path`, read once; undefined for any other path.
 *
 * @example
 * const a = await dashboardAsset('/'); // { body: <index.html>, type: 'text/html; charset=utf-8' }
 */
export async function dashboardAsset(path: string): Promise<{ body: Uint8Array; type: string } | undefined> {
  if (!isDashboardAsset(path)) return undefined;
  const asset = ASSETS[path]!;
  let body = cache.get(path);
  if (!body) {
    body = readFile(asset.path()).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    // A failed read (a missing file) is tried again next time.
    body.catch(() => cache.delete(path));
    cache.set(path, body);
  }
  return { body: await body, type: asset.type };
}
