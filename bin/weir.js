#!/usr/bin/env node
// The CLI runs user job files written in TypeScript, so it loads tsx's ESM hooks before the CLI itself.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  // A git checkout has no dist/ until it is built; say how instead of a module-not-found trace.
  process.stderr.write("weir: dist/ is missing: run 'npm ci' (or 'npm run build') in the Weir package first\n");
  process.exit(1);
}
register();
await import(main.href);
