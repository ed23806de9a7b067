/** What Node and tsx say when a file with ESM syntax was loaded as CommonJS. */
const LOADED_AS_COMMONJS = [
  /Cannot use import statement outside a module/,
  /Top-level await is currently not supported with the "cjs" output format/,
  /Cannot require\(\) ES Module/,
  /require\(\) of ES Module/,
];

/**
 * A hint for a job module that failed to load because its package said CommonJS. `.ts` job files
 * are loaded as ES modules anyway; a `.js` file follows its package.json.
 *
 * @example
 * const hint = moduleFormatHint(error); // undefined unless the error is one of CommonJS loading
 */
export function moduleFormatHint(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!LOADED_AS_COMMONJS.some((p) => p.test(message))) return undefined;
  return 'Hint: the job file was loaded as CommonJS. Job files are ES modules: name it .mjs (or .ts/.mts), or set "type": "module" in its package.json.\n';
}
