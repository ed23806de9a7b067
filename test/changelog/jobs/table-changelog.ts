import type { AggregateFunction, ChangelogRow } from '../../../src/index.js';

export interface Row {
  id: number;
  g: number;
  n: number;
}

/** A table of 200 ids updated and deleted 4,000 times by primary key, as the changelog a CDC source would write. */
export function tableChangelog(): { log: ChangelogRow<Row>[]; table: Map<number, Row> } {
  const table = new Map<number, Row>();
  const log: ChangelogRow<Row>[] = [];
  for (let i = 0; i < 4_000; i++) {
    const id = (i * 37) % 200;
    const old = table.get(id);
    if (i % 7 === 3) {
      if (old) log.push(['-D', old]);
      table.delete(id);
      continue;
    }
    const row = { id, g: (i * 13) % 23, n: (i % 11) - 5 };
    if (old) log.push(['-U', old], ['+U', row]);
    else log.push(['+I', row]);
    table.set(id, row);
  }
  return { log, table };
}

/** Per group: its key, the sum of `n` and the number of rows. */
export const groupStats: AggregateFunction<Row, { g: number; sum: number; rows: number }, string> = {
  createAccumulator: () => ({ g: -1, sum: 0, rows: 0 }),
  add: (r, acc) => ({ g: r.g, sum: acc.sum + r.n, rows: acc.rows + 1 }),
  retract: (r, acc) => ({ g: r.g, sum: acc.sum - r.n, rows: acc.rows - 1 }),
  getResult: (acc) => `${acc.g}:${acc.sum}:${acc.rows}`,
};
