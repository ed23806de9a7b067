/** A sink that discards everything (Flink's `blackhole` connector), for benchmarks and dry runs. */
export { blackhole } from './blackhole-sink.js';
