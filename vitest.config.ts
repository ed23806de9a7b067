import { defineConfig } from 'vitest/config';

/**
 * The default run (`npm test`): every test but the SIGKILL crash tests, which run on their own with
 * `npm run test:chaos` (vitest.chaos.config.ts; CI runs both). Two workers: most test files wait on
 * child processes, servers and timers, so two at a time halves the wall time on a 2-core machine
 * (vitest's default on 2 cores is one).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/chaos/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
