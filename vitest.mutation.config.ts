import { defineConfig } from 'vitest/config';

/** The unit tests of the protocol files that `npm run test:mutation` mutates (stryker.config.mjs). */
export default defineConfig({
  test: {
    include: [
      'test/checkpoint/barrier-aligner.test.ts',
      'test/checkpoint/checkpoint-coordinator.test.ts',
      'test/checkpoint/checkpoint-coordinator-lifecycle.test.ts',
      'test/time/watermark-combiner.property.test.ts',
      'test/window/window-assigners.test.ts',
      'test/window/window-assigner-contracts.test.ts',
      'test/window/sliding-gaps.property.test.ts',
      'test/state/key-group.property.test.ts',
      'test/state/key-hash-kinds.test.ts',
    ],
  },
});
