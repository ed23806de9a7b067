import { ConfigError } from '../../core/errors.js';
import { CsvDecoder } from './csv-decoder.js';
import { MALFORMED, type CsvOptions, type FileFormat, type LineDecoder } from './line-decoder.js';

export { MALFORMED, type CsvOptions, type CsvType, type FileFormat, type LineDecoder } from './line-decoder.js';

/** The decoder for one file of the given format. */
export function createDecoder(format: FileFormat, csv: CsvOptions = {}): LineDecoder {
  if (format === 'text')
    return { reason: '', columns: undefined, hasHeader: false, skipBlank: false, header: () => true, setColumns: () => undefined, decode: (line) => line };
  if (format === 'json') return new JsonDecoder();
  if (format === 'csv') return new CsvDecoder(csv);
  throw new ConfigError(`fileSource: unknown format '${String(format)}' (expected 'text', 'json' or 'csv')`);
}

class JsonDecoder implements LineDecoder {
  reason = '';
  columns = undefined;
  readonly hasHeader = false;
  readonly skipBlank = true;
  header(): boolean {
    return true;
  }
  setColumns(): void {}
  decode(line: string): unknown {
    try {
      return JSON.parse(line);
    } catch (e) {
      this.reason = `invalid JSON (${(e as Error).message})`;
      return MALFORMED;
    }
  }
}
