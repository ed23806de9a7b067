/**
 * In-process data: sources over arrays, iterables and changelogs, and a sink that keeps what it
 * receives (Flink's `fromElements`/`fromCollection` and `collect`). For tests, examples and small jobs.
 */
export { arraySource, type ArrayPositions } from './array-source.js';
export { asyncIterableSource, type AsyncInput } from './async-iterable-source.js';
export { changelogSource, type ChangelogRow } from './changelog-source.js';
export { CollectSink, collect } from './collect-sink.js';
