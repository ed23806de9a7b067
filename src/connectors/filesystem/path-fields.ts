import { relative } from 'node:path';
import type { FileSourceOptions } from './file-source.js';

/** The listed files the source reads: all, or those `pathFields` gives fields for. */
export function selectedFiles(options: FileSourceOptions, paths: string[]): string[] {
  const fields = options.pathFields;
  return fields ? paths.filter((p) => fields(relative(options.path, p)) !== undefined) : paths;
}

/** The fields a file's records get from its path ({@link FileSourceOptions.pathFields}), as parallel arrays. */
export function fieldsOfFile(options: FileSourceOptions, path: string): { keys: string[]; values: unknown[] } | undefined {
  const fields = options.pathFields?.(relative(options.path, path));
  return fields === undefined ? undefined : { keys: Object.keys(fields), values: Object.values(fields) };
}
