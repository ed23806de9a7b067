/** Generated input: number sequences and seeded random rows (Flink's `datagen`). */
export { sequence, type SequenceSplit, type SequencePositions } from './sequence-source.js';
export { datagen, type DataGenOptions, type DataGenSplit, type DataGenPositions } from './datagen-source.js';
export { RowRandom } from './row-random.js';
