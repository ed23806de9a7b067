/** Lines missing from `got` and lines `got` has more often than `expected` (up to `show` of each). */
export function multisetDiff(expected: readonly string[], got: readonly string[], show = 5): { lost: string[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const l of expected) counts.set(l, (counts.get(l) ?? 0) + 1);
  const duplicated: string[] = [];
  for (const l of got) {
    const c = counts.get(l) ?? 0;
    if (c > 0) counts.set(l, c - 1);
    else duplicated.push(l);
  }
  const lost = [...counts].filter(([, c]) => c > 0).flatMap(([l, c]) => Array<string>(c).fill(l));
  const cut = (l: string[]) => (l.length > show ? [...l.slice(0, show), `... ${l.length} in all`] : l);
  return { lost: cut(lost), duplicated: cut(duplicated) };
}
