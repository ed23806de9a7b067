/**
 * Flink's partition directory names: `col=value` per PARTITIONED BY column, joined by `/`, with the
 * characters a path cannot hold (or Hive reads specially) escaped as `%XX`, as Flink's
 * `PartitionPathUtils.escapePathName` does: `hm=12%3A30`.
 */
export function partitionPath(keys: readonly string[], row: Readonly<Record<string, unknown>>, defaultName: string): string {
  return keys.map((k) => `${escapePathName(k)}=${partitionValue(row[k], defaultName)}`).join('/');
}

/** A NULL or empty value goes to the default partition (`partition.default-name`). */
function partitionValue(v: unknown, defaultName: string): string {
  if (v === null || v === undefined) return defaultName;
  const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return text === '' ? defaultName : escapePathName(text);
}

const ESCAPED = new Set('"#%\'*/:=?\\\u007F{[]^');

export function escapePathName(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += (code >= 1 && code <= 0x1f) || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}
