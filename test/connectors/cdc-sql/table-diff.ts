// Row-by-row comparison of a source table and its copy in another database, each read by its own
// server's SQL into the same text form.

export type TextRow = readonly string[];

/** The rows that differ (by first column, the key), at most `limit` of them, as readable lines. */
export function diffTables(source: readonly TextRow[], target: readonly TextRow[], limit = 10): string[] {
  const t = new Map(target.map((r) => [r[0]!, r]));
  const out: string[] = [];
  for (const r of source) {
    const other = t.get(r[0]!);
    if (!other) out.push(`missing ${r.join('|')}`);
    else if (other.join('|') !== r.join('|')) out.push(`differs ${r.join('|')} vs ${other.join('|')}`);
    t.delete(r[0]!);
  }
  for (const r of t.values()) out.push(`extra ${r.join('|')}`);
  return out.slice(0, limit);
}

/** Rows of objects as text tuples in column order; NULL as `\N`. */
export const asText = (rows: readonly Record<string, unknown>[]): TextRow[] => rows.map((r) => Object.values(r).map((v) => (v === null ? '\\N' : String(v))));
