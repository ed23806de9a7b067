/**
 * Test utilities (`weir/testing`): drive one operator by hand with {@link OperatorHarness}, or run a
 * whole bounded job deterministically with {@link runJob} and {@link collectOutput}.
 *
 * @example
 * import { OperatorHarness, runJob, collectOutput } from 'weir/testing';
 */
export { OperatorHarness, type HarnessOptions } from './operator-harness.js';
export { runJob, collectOutput, type RunJobOptions, type JobRun, type CollectedOutput } from './job-test-helpers.js';
export type { TimestampedValue } from './collecting-channel.js';
export type { StateContents } from './state-reader.js';
