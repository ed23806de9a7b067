import type { Expr } from './ast.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column } from './expression-compiler.js';
import { conjuncts, someExpr } from './expr-rewrite.js';
import { currentFunctions } from './functions/function-catalog.js';
import { helpers } from './runtime-helpers.js';
import { readerFor } from './types/value-readers.js';

/** Functions whose value changes from call to call: a condition on them cannot decide, at listing time, which rows a partition gives. */
const VOLATILE = new Set([
  'CURRENT_TIMESTAMP',
  'NOW',
  'PROCTIME',
  'LOCALTIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'LOCALTIME',
  'CURRENT_ROW_TIMESTAMP',
  'UNIX_TIMESTAMP',
  'RAND',
  'RAND_INTEGER',
  'UUID',
]);

/** The (last parts of the) column names `e` refers to. */
function columnNames(e: Expr): string[] {
  const out: string[] = [];
  someExpr(e, (x) => {
    if (x.kind === 'column') out.push(x.name.parts[x.name.parts.length - 1]!);
    return false;
  });
  return out;
}

/** Whether `e` may give another value on another call: a volatile built-in, a function from TypeScript, a subquery. */
function volatile(e: Expr): boolean {
  const functions = currentFunctions();
  return someExpr(e, (x) => {
    if (x.kind === 'inQuery' || x.kind === 'exists') return true;
    const name = x.kind === 'call' ? x.name.toUpperCase() : x.kind === 'column' && x.name.parts.length === 1 ? x.name.parts[0]!.toUpperCase() : undefined;
    if (name === undefined) return false;
    return VOLATILE.has(name) || (x.kind === 'call' && functions !== undefined && (functions.has(name, true) || functions.has(name, false)));
  });
}

/**
 * Partition pruning, as Flink's PartitionPushDown: the conjuncts of a query's WHERE that name
 * partition columns only (and nothing volatile), compiled into a test of a partition's values (the
 * text of its directory names, NULL for the default partition), and the partition columns they
 * name. A partition that fails it holds no row WHERE keeps, so the source skips its files;
 * undefined when no conjunct qualifies.
 *
 * @example
 * // PARTITIONED BY (day), WHERE day >= '2024-01-02' AND v <> 'x'
 * partitionFilter(partitionColumns, 't', undefined, where, sql)!.test({ day: '2024-01-01' }) // false
 */
export function partitionFilter(
  columns: readonly Column[],
  table: string,
  alias: string | undefined,
  where: Expr | undefined,
  sql: string,
): { test: (values: Readonly<Record<string, string | null>>) => boolean; columns: string[] } | undefined {
  const consts = new Constants();
  const compiler = new ExpressionCompiler({ columns, qualifiers: [alias ?? table], description: `the partition columns of '${table}'` }, consts, sql);
  const tests: string[] = [];
  const used = new Set<string>();
  for (const c of conjuncts(where)) {
    if (volatile(c)) continue;
    try {
      const compiled = compiler.compile(c);
      if (compiled.type.name !== 'BOOLEAN') continue;
      tests.push(`(${compiled.code}) === true`);
      for (const name of columnNames(c)) used.add(name);
    } catch {
      // Names a column that is not a partition column (or fails here for another reason): WHERE still applies it to the rows.
    }
  }
  if (tests.length === 0) return undefined;
  const fields = columns.map(
    (c) => `${propertyKey(c.name, consts)}: ${consts.ref(readerFor(c.type))}(${propertyAccess('raw', c.name, consts)}, ${consts.ref(c.name)})`,
  );
  const test = buildFunction<(raw: Readonly<Record<string, string | null>>) => boolean>(
    `function partition(raw) { const r = { ${fields.join(', ')} }; return ${tests.join(' && ')}; }`,
    consts,
    helpers,
  );
  const safe = (values: Readonly<Record<string, string | null>>) => {
    try {
      return test(values);
    } catch {
      // A directory value that is not of the column's type: read the partition, so that its rows fail as the bad-input policy says.
      return true;
    }
  };
  return { test: safe, columns: columns.map((c) => c.name).filter((n) => used.has(n)) };
}
