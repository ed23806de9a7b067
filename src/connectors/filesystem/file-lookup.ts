import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.js';
import { listFiles } from './file-listing.js';
import { createDecoder, MALFORMED, type CsvOptions } from './line-decoders.js';

/**
 * Every record of the files at `path` (a file, or a directory read recursively), for a table read
 * whole (the side input of a lookup join). A malformed line fails naming the file and line, unless
 * `errorPolicy` is 'skip'.
 *
 * @example
 * await readAllRecords('/data/side_input.csv', 'csv', { columns: ['key', 'value'] }, 'fail') // [{ key: '1', value: 'a' }, ...]
 */
export async function readAllRecords(path: string, format: 'csv' | 'json', csv: CsvOptions, errorPolicy: 'fail' | 'skip'): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const file of await listFiles(path)) {
    const decoder = createDecoder(format, csv);
    const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (i === 0 && decoder.hasHeader) {
        if (!decoder.header(line)) throw new ConfigError(`${file}:1: ${decoder.reason}`);
        continue;
      }
      if (decoder.skipBlank && line.trim() === '') continue;
      const record = decoder.decode(line);
      if (record !== MALFORMED) out.push(record);
      else if (errorPolicy === 'fail') throw new ConfigError(`${file}:${i + 1}: ${decoder.reason} (line '${line.slice(0, 80)}')`);
    }
  }
  return out;
}
