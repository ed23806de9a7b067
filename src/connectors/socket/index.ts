/** Text lines from a TCP socket (Flink's `socketTextStream`). */
export { socketTextSource, type SocketTextSourceOptions } from './socket-text-source.js';
