import type { Expr } from './ast.js';
import { materialized, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, type Scope } from './expression-compiler.js';
import { conditionText, conjunction } from './join-conditions.js';
import type { CalcParams, Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';

/** A plan node name of readable length. */
export const truncate = (name: string) => (name.length > 160 ? name.slice(0, 157) + '...)' : name);

/** `planned` with `filters` in one Calc (none: as it is), named by the filters' own text. */
export function filtered(planned: PlannedQuery, filters: readonly Expr[], scope: Scope, sql: string): PlannedQuery {
  const where = conjunction(filters);
  if (!where) return planned;
  const consts = new Constants();
  const c = new ExpressionCompiler(scope, consts, sql).compile(where);
  if (c.type.name !== 'BOOLEAN' && c.type.name !== 'NULL') throw new SqlError(`WHERE expects a BOOLEAN condition, not ${c.type.name}`, where.pos, sql);
  // NULL and FALSE both drop the row.
  const condition = buildFunction<(r: Row) => boolean>(`function where(r) { return ${c.code} === true; }`, consts, helpers);
  const text = filters.map((f) => conditionText(f, sql)).join(' AND ');
  const params: CalcParams = { condition, projection: undefined, text: { where: text } };
  return materialized(planned.stream().transform<Row>(truncate(`Calc(where=[${text}])`), 'sqlCalc', params), planned.columns, planned);
}
