/**
 * Random SQL expressions over the oracle tests' `items` columns, typed, fully parenthesised, and
 * limited to operators and functions whose results Flink's dialect and DuckDB's agree on (no
 * integer division or modulo, no casts between kinds).
 */
export type Kind = 'int' | 'double' | 'string' | 'bool';

const COLUMNS: Record<Kind, string[]> = { int: ['id', 'qty'], double: ['price'], string: ['name'], bool: ['flag'] };
const LITERALS: Record<Kind, (r: () => number) => string> = {
  int: (r) => String(Math.floor(r() * 100) - 30),
  double: (r) => (Math.floor(r() * 10000) / 100).toFixed(2),
  string: (r) => `'${['fig', 'date', 'apple', 'x', ''][Math.floor(r() * 5)]}'`,
  bool: (r) => (r() < 0.5 ? 'TRUE' : 'FALSE'),
};

export function expression(kind: Kind, depth: number, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (depth <= 0 || r() < 0.25) return r() < 0.75 ? pick(COLUMNS[kind]) : r() < 0.1 ? `CAST(NULL AS ${sqlType(kind)})` : LITERALS[kind](r);
  const sub = (k: Kind) => expression(k, depth - 1, r);
  const numeric = (): Kind => (r() < 0.6 ? 'int' : 'double');
  switch (kind) {
    case 'int':
      return pick([
        () => `(${sub('int')} ${pick(['+', '-', '*'])} ${sub('int')})`,
        () => `(- ${sub('int')})`,
        () => `CHAR_LENGTH(${sub('string')})`,
        () => `COALESCE(${sub('int')}, ${sub('int')})`,
        () => `(CASE WHEN ${sub('bool')} THEN ${sub('int')} ELSE ${sub('int')} END)`,
      ])();
    case 'double':
      return pick([
        () => `(${sub(numeric())} ${pick(['+', '-', '*'])} ${sub('double')})`,
        () => `COALESCE(${sub('double')}, ${sub('int')})`,
        () => `(CASE WHEN ${sub('bool')} THEN ${sub('double')} END)`,
      ])();
    case 'string':
      return pick([
        () => `UPPER(${sub('string')})`,
        () => `LOWER(${sub('string')})`,
        () => `TRIM(${sub('string')})`,
        () => `(${sub('string')} || ${sub('string')})`,
        () => `COALESCE(${sub('string')}, ${sub('string')})`,
        () => `(CASE WHEN ${sub('bool')} THEN ${sub('string')} ELSE ${sub('string')} END)`,
      ])();
    case 'bool': {
      const k = pick<Kind>(['int', 'double', 'string']);
      return pick([
        () => `(${sub(k)} ${pick(['=', '<>', '<', '<=', '>', '>='])} ${sub(k === 'string' ? 'string' : numeric())})`,
        () => `(${sub('bool')} ${pick(['AND', 'OR'])} ${sub('bool')})`,
        () => `(NOT ${sub('bool')})`,
        () => `(${sub(k)} IS ${pick(['', 'NOT '])}NULL)`,
        () => `(${sub('int')} ${pick(['', 'NOT '])}BETWEEN ${sub('int')} AND ${sub('int')})`,
        () => `(${sub('int')} IN (${LITERALS.int(r)}, ${LITERALS.int(r)}, ${r() < 0.3 ? 'NULL' : LITERALS.int(r)}))`,
        () => `(${sub('string')} LIKE '${pick(['%a%', 'f_g', '%e', 'd%'])}')`,
      ])();
    }
  }
}

function sqlType(kind: Kind): string {
  return { int: 'INT', double: 'DOUBLE', string: 'STRING', bool: 'BOOLEAN' }[kind];
}

/** A random SELECT over `items`: 1-4 projected expressions and, most of the time, a WHERE. */
export function randomQuery(r: () => number): string {
  const kinds: Kind[] = ['int', 'double', 'string', 'bool'];
  const items = Array.from({ length: 1 + Math.floor(r() * 4) }, (_v, i) => `${expression(kinds[Math.floor(r() * 4)]!, 3, r)} AS c${i}`);
  const where = r() < 0.8 ? ` WHERE ${expression('bool', 3, r)}` : '';
  return `SELECT id, ${items.join(', ')} FROM items${where}`;
}
