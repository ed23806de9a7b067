// Mutation testing of the protocol files (`npm run test:mutation`, not part of `npm test`): Stryker
// changes one operator or constant at a time and runs the unit tests below; a surviving mutant is
// behaviour no test pins down. Stryker 9 is the last major that runs on Node 20.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: [
    'src/runtime/checkpoint/barrier-aligner.ts',
    'src/runtime/time/watermark-combiner.ts',
    'src/core/window/tumbling-window-assigners.ts',
    'src/core/window/sliding-window-assigners.ts',
    'src/core/window/session-window-assigners.ts',
    'src/runtime/checkpoint/checkpoint-coordinator.ts',
    'src/core/key-group.ts',
  ],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
