/**
 * The file source's former import path, kept so existing imports keep working.
 *
 * @deprecated Import from `weir/connectors/filesystem`, which holds the file source and the file sink.
 * @example
 * import { fileSource } from 'weir/connectors/filesystem';
 */
export {
  fileSource,
  parseCsvLine,
  type FileSourceOptions,
  type FileSplit,
  type FilePosition,
  type FileSourceState,
  type CsvOptions,
  type CsvType,
  type FileFormat,
} from '../filesystem/index.js';
