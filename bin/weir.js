#!/usr/bin/env node
// The CLI runs user job files written in TypeScript, so it loads tsx's ESM hooks before the CLI itself.
import { register } from 'tsx/esm/api';
register();
await import('../dist/cli/main.js');
