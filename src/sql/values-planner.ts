import { arraySource } from '../connectors/memory/array-source.js';
import type { Query } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, propertyKey, type Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { formatType } from './sql-types.js';

/**
 * `VALUES (1, 'a'), (2, 'b')`: a bounded, insert-only table of those rows, columns `EXPR$0`,
 * `EXPR$1`, ... (as Flink names them; `AS t(x, y)` renames them). A column's type is the one all
 * its values fit in, as for CASE. The values are computed once, when the query is planned.
 */
export function planValues(q: Query, ctx: PlanContext): PlannedQuery {
  const rows = q.values!;
  const consts = new Constants();
  const compiler = new ExpressionCompiler({ columns: [], qualifiers: [], description: 'VALUES' }, consts, ctx.sql);
  const compiled = rows.map((r) => r.map((e) => compiler.compile(e)));
  const columns: Column[] = rows[0]!.map((_e, j) => {
    const parts = compiled.map((r) => r[j]!);
    const type = compiler.commonType(parts, `Column ${j + 1} of VALUES`, rows[0]![j]!.pos);
    if (type.name === 'NULL') throw new SqlError(`Column ${j + 1} of VALUES is NULL in every row; CAST one of them to a type`, rows[0]![j]!.pos, ctx.sql);
    return { name: `EXPR$${j}`, type, nullable: parts.some((p) => p.nullable) };
  });
  const fields = compiled.map(
    (r, i) => `{ ${r.map((c, j) => `${propertyKey(columns[j]!.name, consts)}: ${compiler.cast(c, columns[j]!.type, rows[i]![j]!.pos).code}`).join(', ')} }`,
  );
  const values = buildFunction<(r: Row) => Row[]>(`function values(r) { return [${fields.join(', ')}]; }`, consts, helpers)({});
  const name = `Values(tuples=[${rows.length} row${rows.length === 1 ? '' : 's'}], type=[${columns.map((c) => formatType(c.type)).join(', ')}])`;
  return materialized(ctx.env.fromSource(arraySource(values, name), undefined, name), columns);
}
