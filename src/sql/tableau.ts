import type { Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { formatDouble, formatTimestamp } from './runtime-helpers.js';
import { textOf } from './types/value-format.js';

/** A value as the SQL client shows it (Flink's tableau: TRUE, 1.0, <NULL>, 2024-01-01 00:00:00.000). */
export function displayValue(v: unknown, col: Pick<Column, 'type'>): string {
  if (v === null || v === undefined) return '<NULL>';
  switch (col.type.name) {
    case 'TIMESTAMP':
      return typeof v === 'number' && (col.type.precision ?? 3) === 3 ? formatTimestamp(v) : textOf(col.type)(v);
    case 'DOUBLE':
      return formatDouble(v as number);
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE';
    default:
      return textOf(col.type)(v);
  }
}

/**
 * Rows as a boxed table, numbers right-aligned, followed by "N rows in set".
 *
 * @example
 * formatTableau([{ name: 'a', type: { name: 'INT' }, nullable: false }], [{ a: 1 }])
 */
export function formatTableau(columns: readonly Pick<Column, 'name' | 'type'>[], rows: readonly Row[]): string {
  if (columns.length === 0) return '';
  const cells = rows.map((r) => columns.map((c) => displayValue(r[c.name], c)));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((row) => row[i]!.length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const right = (c: Pick<Column, 'type'>) => ['INT', 'BIGINT', 'DOUBLE', 'DECIMAL'].includes(c.type.name);
  const fmt = (vals: readonly string[], header: boolean) =>
    '|' + vals.map((v, i) => ' ' + (!header && right(columns[i]!) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)) + ' ').join('|') + '|';
  const out = [
    line,
    fmt(
      columns.map((c) => c.name),
      true,
    ),
    line,
    ...cells.map((r) => fmt(r, false)),
  ];
  if (cells.length > 0) out.push(line);
  out.push(rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`);
  return out.join('\n') + '\n';
}
