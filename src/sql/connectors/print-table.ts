import { print } from '../../connectors/print/print-sink.js';
import { rowKindShort, type RowKind } from '../../core/row-kind.js';
import type { Row } from '../operators/calc-operator.js';
import { formatDouble } from '../runtime-helpers.js';
import type { TableConnector } from './table-connector.js';

/** Flink's `print` sink: one line per row, `+I[v1, v2]` (`-U[...]`, `+U[...]`, `-D[...]` for a changelog), after the 'print-identifier' if set. */
export const printTable: TableConnector = {
  name: 'print',
  options: ['print-identifier', 'standard-error'],
  sink(ctx) {
    const names = ctx.columns.map((c) => c.name);
    const doubles = new Set(ctx.columns.filter((c) => c.type.name === 'DOUBLE').map((c) => c.name));
    const show = (n: string, v: unknown) => (v === null || v === undefined ? 'null' : doubles.has(n) ? formatDouble(v as number) : String(v));
    const prefix = ctx.options.get('print-identifier');
    return print<Row>({
      ...(prefix !== undefined ? { prefix } : {}),
      stderr: ctx.options.get('standard-error') === 'true',
      format: (row: Row) => `+I[${names.map((n) => show(n, row[n])).join(', ')}]`,
      formatChange: (row: Row, kind: RowKind) => `${rowKindShort(kind)}[${names.map((n) => show(n, row[n])).join(', ')}]`,
    });
  },
};
