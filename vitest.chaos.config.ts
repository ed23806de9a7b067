import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the crash tests (jobs SIGKILLed and resumed from their checkpoints, output
 * compared with what the input determines), one file at a time so the kills land where they are aimed.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
