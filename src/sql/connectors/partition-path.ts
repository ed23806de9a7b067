/**
 * Flink's partition directory names: `col=value` per PARTITIONED BY column, joined by `/`, with the
 * characters a path cannot hold (or Hive reads specially) escaped as `%XX`, as Flink's
 * `PartitionPathUtils.escapePathName` does: `hm=12%3A30`.
 */
export function partitionPath(keys: readonly string[], row: Readonly<Record<string, unknown>>, defaultName: string): string {
  return keys.map((k) => `${escapePathName(k)}=${partitionValue(row[k], defaultName)}`).join('/');
}

/**
 * {@link partitionPath} for one table's rows, remembering the last row's values and path: rows in
 * a row mostly share their partition (a day, a minute), so the path is built once per change.
 */
export function partitionPaths(keys: readonly string[], defaultName: string): (row: Readonly<Record<string, unknown>>) => string {
  const last: unknown[] = keys.map(() => undefined);
  let path = '';
  return (row) => {
    let same = path !== '';
    for (let i = 0; i < keys.length; i++) {
      const v = row[keys[i]!];
      if (v !== last[i]) {
        same = false;
        last[i] = v;
      }
    }
    if (!same) path = partitionPath(keys, row, defaultName);
    return path;
  };
}

/** A NULL or empty value goes to the default partition (`partition.default-name`). */
function partitionValue(v: unknown, defaultName: string): string {
  if (v === null || v === undefined) return defaultName;
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text === '' ? defaultName : escapePathName(text);
}

const ESCAPED = new Set('"#%\'*/:=?\\\u007F{[]^');
const NEEDS_ESCAPE = /["#%'*/:=?\\\u007F{[\]^\u0001-\u001f]/;

export function escapePathName(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += (code >= 1 && code <= 0x1f) || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

/**
 * The partition values a file's path names (`day=2024-01-01/hm=12%3A30/part-0-0.csv` relative to
 * the table's path), unescaped, NULL for the default partition; undefined when the file is not in
 * a directory of each PARTITIONED BY column in turn (Flink reads only those).
 */
export function partitionValues(keys: readonly string[], relativePath: string, defaultName: string): Record<string, string | null> | undefined {
  const dirs = relativePath.split(/[\\/]/);
  if (dirs.length !== keys.length + 1) return undefined;
  const out: Record<string, string | null> = {};
  for (let i = 0; i < keys.length; i++) {
    const dir = dirs[i]!;
    const eq = dir.indexOf('=');
    if (eq < 0 || unescapePathName(dir.slice(0, eq)) !== keys[i]) return undefined;
    const value = unescapePathName(dir.slice(eq + 1));
    out[keys[i]!] = value === defaultName ? null : value;
  }
  return out;
}

/** The inverse of {@link escapePathName}. */
export function unescapePathName(s: string): string {
  return s.includes('%') ? s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}
