import { ConfigError } from '../../core/errors.js';
import { parseCsvLine } from './csv-line-parser.js';

export type FileFormat = 'text' | 'json' | 'csv';
export type CsvType = 'number' | 'string' | 'boolean';

export interface CsvOptions {
  /** The first line of each file names the columns (skipped when `columns` is given). */
  readonly header?: boolean;
  /** Column names; records become objects. Without names or a header, records are string arrays. */
  readonly columns?: readonly string[];
  /** One character; default `,`. */
  readonly delimiter?: string;
  /** Column types; untyped columns stay strings. An empty number or boolean field reads as `null`. */
  readonly types?: Readonly<Record<string, CsvType>>;
}

/** Returned by `decode` for a line that cannot be read; `reason` says why. */
export const MALFORMED: unique symbol = Symbol('malformed');

/**
 * Turns the lines of one file into records. One decoder per file: a CSV decoder learns its columns
 * from the file's header. `decode` returns MALFORMED instead of throwing, so the reader applies the
 * error policy in one place.
 */
export interface LineDecoder {
  reason: string;
  /** CSV columns as read from a header, kept in the reader position so a restore needs no re-read. */
  columns: readonly string[] | undefined;
  /** Whether line 1 is a header rather than a record. */
  readonly hasHeader: boolean;
  /** Reads a header line; returns false (and sets `reason`) if it is malformed. */
  header(line: string): boolean;
  /** Columns from a restored position, instead of re-reading the header. */
  setColumns(columns: readonly string[]): void;
  /** Blank lines carry no record in JSON Lines and CSV; text keeps them. */
  readonly skipBlank: boolean;
  decode(line: string): unknown;
}

export function createDecoder(format: FileFormat, csv: CsvOptions = {}): LineDecoder {
  if (format === 'text') return { reason: '', columns: undefined, hasHeader: false, skipBlank: false, header: () => true, setColumns: () => undefined, decode: (line) => line };
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

class CsvDecoder implements LineDecoder {
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
