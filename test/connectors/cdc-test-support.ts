// What the CDC integration tests share: folding a changelog into a table (or several) in plain code,
// waiting for a condition, and a writer that changes the source table while the job reads it.
import { RowKind } from '../../src/core/row-kind.js';

/**
 * Applies a changelog by primary key (`id`); lists what a correct changelog never does (+I of a
 * present key, -U or -D of an absent one). Metadata columns are left out of the folded rows.
 */
export function foldChangelog(rows: readonly object[], kinds: readonly RowKind[]): { table: Map<string, Record<string, unknown>>; anomalies: string[] } {
  const table = new Map<string, Record<string, unknown>>();
  const anomalies: string[] = [];
  rows.forEach((row, i) => {
    const { op_ts: _t, table_name: _n, ...data } = row as Record<string, unknown>;
    const id = String(data.id);
    const kind = kinds[i]!;
    if (kind === RowKind.INSERT && table.has(id)) anomalies.push(`+I of present ${id}`);
    if ((kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) && !table.has(id))
      anomalies.push(`${kind === RowKind.DELETE ? '-D' : '-U'} of absent ${id}`);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) table.set(id, data);
    else table.delete(id);
  });
  return { table, anomalies };
}

/**
 * Applies a changelog of several tables (rows named by `table_name`, each keyed by `id`); lists
 * +I of present and -U/-D of absent keys. `op_ts` and `table_name` are left out of the folded rows.
 */
export function foldTables(
  rows: readonly Record<string, unknown>[],
  kinds: readonly RowKind[],
): { tables: Map<string, Map<string, Record<string, unknown>>>; anomalies: string[] } {
  const tables = new Map<string, Map<string, Record<string, unknown>>>();
  const anomalies: string[] = [];
  rows.forEach((row, i) => {
    const { op_ts: _t, table_name, ...data } = row;
    const table = String(table_name);
    let t = tables.get(table);
    if (!t) tables.set(table, (t = new Map()));
    const key = String(data.id);
    const kind = kinds[i]!;
    if (kind === RowKind.INSERT && t.has(key)) anomalies.push(`+I of present ${table} ${key}`);
    if ((kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) && !t.has(key)) anomalies.push(`-U/-D of absent ${table} ${key}`);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) t.set(key, data);
    else t.delete(key);
  });
  return { tables, anomalies };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 50 ms for up to a minute. */
export async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let t = 0; t < 1200; t++) {
    if (await cond()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The statements a table writer runs, in the source database's own SQL. */
export interface TableWrites {
  insert(id: number, v: number): Promise<unknown>;
  update(id: number): Promise<unknown>;
  delete(id: number): Promise<unknown>;
}

/**
 * Inserts, updates and deletes rows of a table whose ids start at 1 (`rows` of them at first), in
 * small transactions on `connections` connections at once (so they interleave and commit out of
 * start order), from a seeded generator, until `stop()`, which returns how many it ran.
 */
export function startTableWriter(
  writes: TableWrites,
  opts: { rows: number; seed: number; connections: number; pauseMs?: number },
): { stop: () => Promise<number> } {
  let running = true;
  let ops = 0;
  let nextId = opts.rows + 1;
  let seed = opts.seed;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const loop = async () => {
    while (running) {
      const id = 1 + rnd(nextId);
      const op = rnd(3);
      if (op === 0) await writes.insert(nextId++, rnd(1000));
      else if (op === 1) await writes.update(id);
      else await writes.delete(id);
      ops++;
      if (opts.pauseMs) await sleep(opts.pauseMs);
    }
  };
  const loops = Promise.all(Array.from({ length: opts.connections }, loop));
  return {
    stop: async () => {
      running = false;
      await loops;
      return ops;
    },
  };
}

/** The boundaries the chunk walk must find: each `size` rows past the last one's first row, or the next greater value when that one repeats. */
export function expectedBoundaries(sortedKeys: number[], size: number): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    let next = at + size;
    if (next >= sortedKeys.length) return out;
    if (sortedKeys[next] === sortedKeys[at]) {
      while (next < sortedKeys.length && sortedKeys[next] === sortedKeys[at]) next++;
      if (next >= sortedKeys.length) return out;
    }
    out.push(String(sortedKeys[next]));
    // Counted from the value's first row, as `key >= boundary` finds it.
    at = sortedKeys.indexOf(sortedKeys[next]!);
  }
}
