import { print } from '../../connectors/print/print-sink.js';
import { rowKindShort, type RowKind } from '../../core/row-kind.js';
import type { Row } from '../operators/calc-operator.js';
import { textOf } from '../types/value-format.js';
import type { TableConnector } from './table-connector.js';

/** Flink's `print` sink: one line per row, `+I[v1, v2]` (`-U[...]`, `+U[...]`, `-D[...]` for a changelog), after the 'print-identifier' if set. */
export const printTable: TableConnector = {
  name: 'print',
  options: ['print-identifier', 'standard-error'],
  sink(ctx) {
    const names = ctx.columns.map((c) => c.name);
    // Values as Flink's print sink writes them (DOUBLE 1.0, DECIMAL 1.50, ARRAY [1, 2], MAP {a=1}).
    const texts = new Map(ctx.columns.map((c) => [c.name, textOf(c.type, 'lower')]));
    const show = (n: string, v: unknown) => (v === null || v === undefined ? 'null' : texts.get(n)!(v));
    const prefix = ctx.options.get('print-identifier');
    return print<Row>({
      ...(prefix !== undefined ? { prefix } : {}),
      stderr: ctx.options.get('standard-error') === 'true',
      format: (row: Row) => `+I[${names.map((n) => show(n, row[n])).join(', ')}]`,
      formatChange: (row: Row, kind: RowKind) => `${rowKindShort(kind)}[${names.map((n) => show(n, row[n])).join(', ')}]`,
    });
  },
};
