/** Files as input: text lines, JSON Lines and CSV, bounded or watching a directory (Flink's `FileSource`). */
export { fileSource, type FileSourceOptions, type FileSplit, type FilePosition, type FileSourceState } from './file-source.js';
export type { CsvOptions, CsvType, FileFormat } from './line-decoders.js';
export { parseCsvLine } from './csv-line-parser.js';
