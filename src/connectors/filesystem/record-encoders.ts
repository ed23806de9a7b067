import { ConfigError } from '../../core/errors.js';

export type SinkFormat = 'json' | 'csv' | 'text';

export interface CsvWriteOptions {
  /** Column order for object records; default: the keys of the first record a writer sees. */
  readonly columns?: readonly string[];
  /** One character; default `,`. */
  readonly delimiter?: string;
}

/** Turns one record into one line (without the newline). */
export type RecordEncoder = (value: unknown) => string;

/** JSON Lines, CSV (RFC 4180 quoting, no header) or text (strings as they are, other values as JSON). */
export function createEncoder(format: SinkFormat, csv: CsvWriteOptions = {}): RecordEncoder {
  if (format === 'json') return (v) => JSON.stringify(v);
  if (format === 'text') return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (format === 'csv') return csvEncoder(csv);
  throw new ConfigError(`fileSink: unknown format '${String(format)}' (expected 'json', 'csv' or 'text')`);
}

function csvEncoder(options: CsvWriteOptions): RecordEncoder {
  const d = options.delimiter ?? ',';
  if (d.length !== 1) throw new ConfigError(`fileSink: csv.delimiter must be one character, got '${d}'`);
  let columns = options.columns;
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return s.includes(d) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return (v) => {
    if (Array.isArray(v)) return v.map(field).join(d);
    if (v === null || typeof v !== 'object') return field(v);
    columns ??= Object.keys(v);
    const row = v as Record<string, unknown>;
    let line = field(row[columns[0]!]);
    for (let i = 1; i < columns.length; i++) line += d + field(row[columns[i]!]);
    return line;
  };
}
