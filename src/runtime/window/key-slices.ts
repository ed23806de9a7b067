/**
 * One key's state in the sliced window operator, as one flat array: `[next, end0, acc0, end1,
 * acc1, ...]` with slice ends ascending, where `next` is the end of the key's earliest window that
 * holds data and has not fired. Flat, so a copy-on-write snapshot copies it with one `slice()` and
 * records may change it in place; a key holds a handful of slices, so scans are short.
 */
export type KeySlices = unknown[];

/** Inserts slice `end` with its accumulator at index `at` (of its end), keeping ends ascending. */
export function insertSlice(s: KeySlices, at: number, end: number, acc: unknown): void {
  if (at === s.length) s.push(end, acc);
  else s.splice(at, 0, end, acc);
}

/** Drops the slices ending at or before `bound`. */
export function dropSlicesThrough(s: KeySlices, bound: number): void {
  let i = 1;
  while (i < s.length && (s[i] as number) <= bound) i += 2;
  if (i === 1) return;
  s.copyWithin(1, i);
  s.length -= i - 1;
}
