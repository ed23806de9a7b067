/**
 * fast-check arbitraries of random SQL queries for the three-engine oracle test: typed expressions
 * (NULLs, three-valued logic, CASE, COALESCE, arithmetic, comparisons, string functions) over one
 * table or an inner/left/right/full join of two, then a projection or a GROUP BY with COUNT, SUM,
 * MIN, MAX, AVG and COUNT(DISTINCT) (with FILTER now and then), a GROUP BY of a GROUP BY, or a UNION ALL of two projections. Each query comes as Weir's text (Flink's dialect) and DuckDB's: they
 * differ only where the dialects do (Flink's AVG of an INT is an INT, truncated).
 *
 * The expressions stay where the dialects agree: no division or modulo, no casts between kinds,
 * and `*` of INTs only between leaves, so no INT overflows (DuckDB raises, Flink wraps).
 */
import fc from 'fast-check';

export type Kind = 'int' | 'double' | 'string' | 'bool';
/** The columns of each kind a query can name (qualified in a join). */
export type Columns = Record<Kind, readonly string[]>;

/** Both tables' columns: `k` a small join key, `n` an INT, `x` a DOUBLE, `s` a STRING, `f` a BOOLEAN. */
export const TABLE_COLUMNS = 'k INT, n INT, x DOUBLE, s STRING, f BOOLEAN';
export const DUCK_COLUMNS = "{'k': 'INTEGER', 'n': 'INTEGER', 'x': 'DOUBLE', 's': 'VARCHAR', 'f': 'BOOLEAN'}";

export interface Rec {
  k: number | null;
  n: number | null;
  x: number | null;
  s: string | null;
  f: boolean | null;
}

const WORDS = ['ab', 'Ab', ' b ', 'abc', '', 'c%'] as const;

/** A row of either table, every column NULL now and then. */
export const recArb: fc.Arbitrary<Rec> = fc.record({
  k: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 6 }),
  n: fc.option(fc.integer({ min: -20, max: 20 }), { freq: 6 }),
  x: fc.option(
    fc.integer({ min: -5000, max: 5000 }).map((c) => c / 100),
    { freq: 6 },
  ),
  s: fc.option(fc.constantFrom(...WORDS), { freq: 6 }),
  f: fc.option(fc.boolean(), { freq: 6 }),
});

const literal: Record<Kind, fc.Arbitrary<string>> = {
  int: fc.integer({ min: -10, max: 10 }).map(String),
  double: fc.integer({ min: -999, max: 999 }).map((c) => (c / 100).toFixed(2)),
  string: fc.constantFrom(...WORDS.map((w) => `'${w}'`)),
  bool: fc.constantFrom('TRUE', 'FALSE'),
};
const SQL_TYPE: Record<Kind, string> = { int: 'INT', double: 'DOUBLE', string: 'STRING', bool: 'BOOLEAN' };

/** Typed expressions over `cols`, at most `depth` operators deep; arbitraries are built once per (kind, depth). */
export function expressions(cols: Columns): (kind: Kind, depth: number) => fc.Arbitrary<string> {
  const memo = new Map<string, fc.Arbitrary<string>>();
  const leaf = (kind: Kind): fc.Arbitrary<string> => {
    const options: fc.WeightedArbitrary<string>[] = [
      { arbitrary: literal[kind], weight: 2 },
      { arbitrary: fc.constant(`CAST(NULL AS ${SQL_TYPE[kind]})`), weight: 1 },
    ];
    if (cols[kind].length > 0) options.push({ arbitrary: fc.constantFrom(...cols[kind]), weight: 6 });
    return fc.oneof(...options);
  };
  const ex = (kind: Kind, depth: number): fc.Arbitrary<string> => {
    const id = `${kind}/${depth}`;
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (depth <= 0) {
      const l = leaf(kind);
      memo.set(id, l);
      return l;
    }
    const sub = (k: Kind) => ex(k, depth - 1);
    const numeric = fc.oneof(sub('int'), sub('double'));
    const op = (...ops: string[]) => fc.constantFrom(...ops);
    let nodes: fc.Arbitrary<string>[];
    switch (kind) {
      case 'int':
        nodes = [
          fc.tuple(sub('int'), op('+', '-'), sub('int')).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(leaf('int'), leaf('int')).map(([a, b]) => `(${a} * ${b})`),
          sub('int').map((a) => `(- ${a})`),
          sub('string').map((a) => `CHAR_LENGTH(${a})`),
          sub('int').map((a) => `ABS(${a})`),
          fc.tuple(sub('int'), sub('int')).map(([a, b]) => `NULLIF(${a}, ${b})`),
          fc.tuple(sub('bool'), sub('int'), sub('int')).map(([c, a, b]) => `IF(${c}, ${a}, ${b})`),
          fc.tuple(sub('string'), sub('string')).map(([a, b]) => `POSITION(${a} IN ${b})`),
          fc.tuple(sub('int'), sub('int')).map(([a, b]) => `COALESCE(${a}, ${b})`),
          fc.tuple(sub('bool'), sub('int'), fc.option(sub('int'))).map(([c, a, b]) => `(CASE WHEN ${c} THEN ${a}${b === null ? '' : ` ELSE ${b}`} END)`),
        ];
        break;
      case 'double':
        nodes = [
          fc.tuple(numeric, op('+', '-', '*'), sub('double')).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(sub('double'), sub('int')).map(([a, b]) => `COALESCE(${a}, ${b})`),
          sub('int').map((a) => `CAST(${a} AS DOUBLE)`),
          sub('double').map((a) => `ABS(${a})`),
          fc.tuple(sub('bool'), sub('double'), fc.option(sub('double'))).map(([c, a, b]) => `(CASE WHEN ${c} THEN ${a}${b === null ? '' : ` ELSE ${b}`} END)`),
        ];
        break;
      case 'string':
        nodes = [
          fc.tuple(op('UPPER', 'LOWER', 'TRIM'), sub('string')).map(([f, a]) => `${f}(${a})`),
          fc.tuple(sub('string'), sub('string')).map(([a, b]) => `(${a} || ${b})`),
          fc.tuple(sub('string'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, p, l]) => `SUBSTRING(${a}, ${p}, ${l})`),
          fc.tuple(sub('string'), sub('string')).map(([a, b]) => `COALESCE(${a}, ${b})`),
          fc.tuple(sub('string'), fc.constantFrom("'b'", "'a'", "' '"), sub('string')).map(([a, x, b]) => `REPLACE(${a}, ${x}, ${b})`),
          sub('int').map((a) => `CAST(${a} AS STRING)`),
          fc.tuple(sub('bool'), sub('string'), sub('string')).map(([c, a, b]) => `(CASE WHEN ${c} THEN ${a} ELSE ${b} END)`),
        ];
        break;
      case 'bool': {
        const cmp = op('=', '<>', '<', '<=', '>', '>=');
        nodes = [
          fc.tuple(numeric, cmp, numeric).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(sub('string'), cmp, sub('string')).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(sub('bool'), op('AND', 'OR'), sub('bool')).map(([a, o, b]) => `(${a} ${o} ${b})`),
          sub('bool').map((a) => `(NOT ${a})`),
          fc.tuple(numeric, op('IS DISTINCT FROM', 'IS NOT DISTINCT FROM'), numeric).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(sub('string'), op('IS DISTINCT FROM', 'IS NOT DISTINCT FROM'), sub('string')).map(([a, o, b]) => `(${a} ${o} ${b})`),
          fc.tuple(fc.oneof(numeric, sub('string'), sub('bool')), op('IS NULL', 'IS NOT NULL')).map(([a, o]) => `(${a} ${o})`),
          fc.tuple(sub('int'), op('', 'NOT '), sub('int'), sub('int')).map(([a, o, lo, hi]) => `(${a} ${o}BETWEEN ${lo} AND ${hi})`),
          fc
            .tuple(sub('int'), fc.array(fc.oneof(literal.int, fc.constant('NULL')), { minLength: 1, maxLength: 3 }))
            .map(([a, xs]) => `(${a} IN (${xs.join(', ')}))`),
          fc.tuple(sub('string'), op('', 'NOT '), fc.constantFrom('%b%', 'a_', '%c', 'A%', 'c\\%')).map(([a, o, p]) => `(${a} ${o}LIKE '${p}')`),
        ];
        break;
      }
    }
    const arb = fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf(kind), ...nodes);
    memo.set(id, arb);
    return arb;
  };
  return ex;
}

/** A query in both dialects. */
export interface OracleQuery {
  readonly weir: string;
  readonly duck: string;
}

const KINDS: readonly Kind[] = ['int', 'double', 'string', 'bool'];
const columnsOf = (q: string): Columns => ({ int: [`${q}k`, `${q}n`], double: [`${q}x`], string: [`${q}s`], bool: [`${q}f`] });
const merge = (a: Columns, b: Columns): Columns => ({
  int: [...a.int, ...b.int],
  double: [...a.double, ...b.double],
  string: [...a.string, ...b.string],
  bool: [...a.bool, ...b.bool],
});

/** FROM a single table, or an inner/left/right/full equi-join of `a` and `b`, sometimes with a residual condition. */
const fromArb: fc.Arbitrary<{ from: string; cols: Columns }> = fc.oneof(
  fc.constant({ from: 'a', cols: columnsOf('') }),
  fc
    .tuple(
      fc.constantFrom('JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'),
      fc.constantFrom('a.k = b.k', 'a.s = b.s', 'a.k = b.k AND a.f = b.f'),
      fc.option(expressions(merge(columnsOf('a.'), columnsOf('b.')))('bool', 1), { freq: 3 }),
    )
    .map(([join, on, residual]) => ({
      from: `a ${join} b ON ${on}${residual === null ? '' : ` AND ${residual}`}`,
      cols: merge(columnsOf('a.'), columnsOf('b.')),
    })),
);

const kindArb = fc.constantFrom(...KINDS);

/** SELECT expressions [WHERE] over the FROM. */
function projection(from: string, cols: Columns): fc.Arbitrary<OracleQuery> {
  const ex = expressions(cols);
  return fc
    .tuple(
      fc.array(
        kindArb.chain((k) => ex(k, 3)),
        { minLength: 1, maxLength: 4 },
      ),
      fc.option(ex('bool', 3), { freq: 4 }),
    )
    .map(([items, where]) => {
      const text = `SELECT ${items.map((e, i) => `${e} AS c${i}`).join(', ')} FROM ${from}${where === null ? '' : ` WHERE ${where}`}`;
      return { weir: text, duck: text };
    });
}

/** An aggregate call in both dialects. */
function aggregate(cols: Columns): fc.Arbitrary<OracleQuery> {
  const ex = expressions(cols);
  const same = (t: string): [string, (call: string) => string] => [t, (c) => c];
  const call = fc.oneof(
    fc.constant(same('COUNT(*)')),
    fc
      .tuple(
        kindArb.chain((k) => ex(k, 1)),
        fc.boolean(),
      )
      .map(([e, distinct]) => same(distinct ? `COUNT(DISTINCT ${e})` : `COUNT(${e})`)),
    fc.constantFrom<Kind>('int', 'double').chain((k) => ex(k, 1).map((e) => same(`SUM(${e})`))),
    fc
      .tuple(
        fc.constantFrom('MIN', 'MAX'),
        kindArb.chain((k) => ex(k, 1)),
      )
      .map(([f, e]) => same(`${f}(${e})`)),
    ex('double', 1).map((e) => same(`AVG(${e})`)),
    // Flink's AVG of an INT is an INT: the sum divided by the count, truncated.
    ex('int', 1).map((e): [string, (call: string) => string] => [`AVG(${e})`, (c) => `CAST(trunc(${c}) AS INT)`]),
  );
  return fc.tuple(call, fc.option(ex('bool', 1), { freq: 3 })).map(([[c, duck], filter]) => {
    const filtered = filter === null ? c : `${c} FILTER (WHERE ${filter})`;
    return { weir: filtered, duck: duck(filtered) };
  });
}

/** SELECT keys, aggregates [WHERE] GROUP BY keys [HAVING]: at least one key, so empty input gives no row in every engine. */
function groupBy(from: string, cols: Columns): fc.Arbitrary<OracleQuery> {
  const ex = expressions(cols);
  return fc
    .tuple(
      // A key names a column: DuckDB reads a bare integer in GROUP BY as a position.
      fc.uniqueArray(
        kindArb.chain((k) => ex(k, 1)).filter((e) => /\b[knxsf]\b/.test(e.replace(/'[^']*'/g, ''))),
        { minLength: 1, maxLength: 2 },
      ),
      fc.array(aggregate(cols), { minLength: 1, maxLength: 4 }),
      fc.option(ex('bool', 2), { freq: 3 }),
      fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 }),
    )
    .map(([keys, aggs, where, having]) => {
      const text = (dialect: 'weir' | 'duck') =>
        `SELECT ${[...keys.map((k, i) => `${k} AS g${i}`), ...aggs.map((a, i) => `${a[dialect]} AS a${i}`)].join(', ')} FROM ${from}` +
        `${where === null ? '' : ` WHERE ${where}`} GROUP BY ${keys.join(', ')}${having === null ? '' : ` HAVING COUNT(*) > ${having}`}`;
      return { weir: text('weir'), duck: text('duck') };
    });
}

/** A GROUP BY over a GROUP BY's rows: in streaming, an aggregation over a changelog. */
function nestedGroupBy(from: string, cols: Columns): fc.Arbitrary<OracleQuery> {
  return groupBy(from, cols).map((inner) => {
    const outer = (text: string) => `SELECT a0 AS h, COUNT(*) AS n, MIN(g0) AS lo, MAX(g0) AS hi FROM (${text}) GROUP BY a0`;
    return { weir: outer(inner.weir), duck: outer(inner.duck) };
  });
}

/** Two projections of the same column kinds, the second over `b`, as one UNION ALL. */
const unionAll: fc.Arbitrary<OracleQuery> = fc.array(kindArb, { minLength: 1, maxLength: 3 }).chain((kinds) => {
  const ex = expressions(columnsOf(''));
  const side = (table: string) =>
    fc
      .tuple(fc.tuple(...kinds.map((k) => ex(k, 2))), fc.option(ex('bool', 2), { freq: 2 }))
      .map(([items, where]) => `SELECT ${items.map((e, i) => `${e} AS u${i}`).join(', ')} FROM ${table}${where === null ? '' : ` WHERE ${where}`}`);
  return fc.tuple(side('a'), side('b')).map(([x, y]) => ({ weir: `${x} UNION ALL ${y}`, duck: `${x} UNION ALL ${y}` }));
});

/** A random query: a projection or a GROUP BY (sometimes of a GROUP BY), over one table or a join, or a UNION ALL. */
export const queryArb: fc.Arbitrary<OracleQuery> = fc.oneof(
  { arbitrary: unionAll, weight: 1 },
  {
    arbitrary: fromArb.chain(({ from, cols }) =>
      fc.oneof(
        { arbitrary: projection(from, cols), weight: 3 },
        { arbitrary: groupBy(from, cols), weight: 3 },
        { arbitrary: nestedGroupBy(from, cols), weight: 1 },
      ),
    ),
    weight: 7,
  },
);
