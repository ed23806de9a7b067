import { ConfigError } from '../../core/errors.js';
import { parseCsvLine } from './csv-line-parser.js';
import { MALFORMED, type CsvOptions, type CsvType, type LineDecoder } from './line-decoder.js';

/** CSV lines to string arrays, or to objects with typed values once the columns are known. */
export class CsvDecoder implements LineDecoder {
  reason = '';
  columns: readonly string[] | undefined;
  readonly hasHeader: boolean;
  readonly skipBlank = true;
  private readonly delimiter: string;
  private typeOf: (CsvType | undefined)[] = [];

  constructor(private readonly options: CsvOptions) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1) throw new ConfigError(`fileSource: csv.delimiter must be one character, got '${this.delimiter}'`);
    this.hasHeader = options.header === true;
    if (options.types && !options.columns && !options.header) throw new ConfigError('fileSource: csv.types needs column names: set csv.columns or csv.header');
    if (options.columns) this.setColumns(options.columns);
  }

  setColumns(columns: readonly string[]): void {
    this.columns = columns;
    this.typeOf = columns.map((c) => this.options.types?.[c]);
  }

  header(line: string): boolean {
    if (this.options.columns) return true;
    const fields = parseCsvLine(line, this.delimiter);
    if (typeof fields === 'string') {
      this.reason = `malformed header: ${fields}`;
      return false;
    }
    const missing = Object.keys(this.options.types ?? {}).filter((c) => !fields.includes(c));
    if (missing.length > 0) {
      this.reason = `header has no column ${missing.map((c) => `'${c}'`).join(', ')} named in csv.types`;
      return false;
    }
    this.setColumns(fields);
    return true;
  }

  decode(line: string): unknown {
    const fields = parseCsvLine(line, this.delimiter);
    if (typeof fields === 'string') return this.malformed(fields);
    const columns = this.columns;
    if (!columns) return fields;
    if (fields.length !== columns.length) return this.malformed(`expected ${columns.length} columns, found ${fields.length}`);
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const type = this.typeOf[i];
      const raw = fields[i]!;
      if (type === undefined || type === 'string') row[columns[i]!] = raw;
      else if (raw.trim() === '') row[columns[i]!] = null;
      else if (type === 'number') {
        const v = Number(raw);
        if (Number.isNaN(v) && raw.trim() !== 'NaN') return this.malformed(`column '${columns[i]}': '${raw}' is not a number`);
        row[columns[i]!] = v;
      } else {
        const b = raw.trim().toLowerCase();
        if (b !== 'true' && b !== 'false') return this.malformed(`column '${columns[i]}': '${raw}' is not a boolean`);
        row[columns[i]!] = b === 'true';
      }
    }
    return row;
  }

  private malformed(reason: string): typeof MALFORMED {
    this.reason = reason;
    return MALFORMED;
  }
}
