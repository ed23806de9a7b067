import * as nodeModule from 'node:module';

/**
 * Module hooks that load TypeScript job files as ES modules whatever their package.json says.
 * `npm init` writes `"type": "commonjs"`, under which tsx compiles a `.ts` file to CommonJS, and
 * a job file's top-level `await env.execute()` and its imports of Weir (an ES module) then fail.
 * Only `.ts`/`.tsx` files outside node_modules are switched (`.cts` stays CommonJS); the hook runs
 * before tsx's own, which then compiles the file as ESM. Kept as source text because hooks run in
 * a thread of their own, loaded from a URL, in the CLI's process and in every slot worker.
 */
const HOOKS_SOURCE = `
const TYPESCRIPT = /\\.tsx?$/;
export async function resolve(specifier, context, nextResolve) {
  const r = await nextResolve(specifier, context);
  if ((r.format === 'commonjs' || r.format === 'commonjs-typescript') && r.url.startsWith('file:')) {
    const path = new URL(r.url).pathname;
    if (TYPESCRIPT.test(path) && !path.includes('/node_modules/')) return { ...r, format: 'module' };
  }
  return r;
}
`;

/** The hooks as a URL for `module.register()`. */
export const JOB_MODULE_HOOKS_URL = 'data:text/javascript,' + encodeURIComponent(HOOKS_SOURCE);

/**
 * Registers the hooks in this thread; call it after tsx is registered (later hooks run first).
 *
 * @example
 * registerJobModuleHooks();
 * await import(pathToFileURL('jobs/spend.ts').href); // ESM even in a "type": "commonjs" package
 */
export function registerJobModuleHooks(): void {
  // module.register() exists from Node 20.6; before it tsx cannot register its own hooks either.
  if (typeof nodeModule.register === 'function') nodeModule.register(JOB_MODULE_HOOKS_URL);
}
