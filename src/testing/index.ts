/**
 * Test utilities (`weir/testing`): drive one operator by hand with {@link OperatorHarness}, or run a
 * whole bounded job deterministically with {@link runJob} and {@link collectOutput}; check a
 * connector against the source and sink contracts with {@link describeSourceConformance} and
 * {@link describeSinkConformance}.
 *
 * @example
 * import { OperatorHarness, runJob, collectOutput } from 'weir/testing';
 */
export { OperatorHarness, type HarnessOptions } from './operator-harness.js';
export { runJob, collectOutput, type RunJobOptions, type JobRun, type CollectedOutput } from './job-test-helpers.js';
export type { TimestampedValue } from './collecting-channel.js';
export type { StateContents } from './state-reader.js';
export { describeSourceConformance, type SourceConformanceOptions } from './source-conformance.js';
export { describeSinkConformance, type SinkConformanceOptions, type SinkUnderTest } from './sink-conformance.js';
export type { TestApi } from './test-api.js';
export { readerContext } from './reader-context.js';
