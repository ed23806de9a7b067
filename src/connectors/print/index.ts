/** Records to standard output or standard error (Flink's `print` connector). */
export { print, type PrintOptions } from './print-sink.js';
