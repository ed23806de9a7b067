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
