/**
 * How rows compare under an ORDER BY: each row's sort key is the array of its ORDER BY values,
 * computed once; `directions[i]` is 1 (ASC) or -1 (DESC), `nullsFirst[i]` where NULL goes.
 */
export interface SortOrder {
  readonly directions: readonly (1 | -1)[];
  readonly nullsFirst: readonly boolean[];
}

/** Negative when `a` sorts before `b`, 0 when they tie. */
export function compareKeys(order: SortOrder, a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return order.nullsFirst[i] ? -1 : 1;
    if (y === null) return order.nullsFirst[i] ? 1 : -1;
    return ((x as number) < (y as number) ? -1 : 1) * order.directions[i]!;
  }
  return 0;
}

/** The index at which a row with sort key `k` goes after every row that ties with it. */
export function insertionPoint(order: SortOrder, keys: readonly (readonly unknown[])[], k: readonly unknown[]): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(order, keys[mid]!, k) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A total order on whole rows, for ties that must be broken the same way every time: the values of
 * `columns` left to right, NULL first; ARRAY, MAP and ROW values by their JSON text.
 */
export function compareRows(columns: readonly string[], a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number {
  for (let i = 0; i < columns.length; i++) {
    const x = a[columns[i]!] ?? null;
    const y = b[columns[i]!] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === 'object' || typeof y === 'object') {
      const s = jsonText(x);
      const t = jsonText(y);
      if (s !== t) return s < t ? -1 : 1;
    } else if ((x as number) < (y as number)) return -1;
    else if ((x as number) > (y as number)) return 1;
  }
  return 0;
}

const jsonText = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? [...x] : x));
