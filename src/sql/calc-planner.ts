import type { DataStream } from '../api/data-stream.js';
import type { StreamEnvironment } from '../api/stream-environment.js';
import { startOffset, type Expr, type Query } from './ast.js';
import type { Catalog, CatalogView } from './catalog.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column, type Scope } from './expression-compiler.js';
import type { CalcParams, Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';

/**
 * Rewrites a query's output row: given the code of each output column (in `columns` order), returns
 * the fields of the row to emit (`key: code`). Lets an INSERT put its sink's order and types into the
 * query's own compiled step instead of adding another.
 */
export type OutputRewrite = (codes: readonly string[], consts: Constants) => string[];

/** A planned query: its output columns, and its rows as a stream added to `env`'s graph on demand. */
export interface PlannedQuery {
  readonly columns: readonly Column[];
  /** The rows are a changelog (`-U`, `+U`, `-D` too), as a GROUP BY's are; else insertions only. */
  readonly updating: boolean;
  /** The operator that makes the rows a changelog, for errors (`GroupAggregate(groupBy=[...])`). */
  readonly updatingBy?: string;
  /**
   * The output columns (by position) that key the changelog: each key has one row at a time, so a
   * consumer keyed by them (a sink whose PRIMARY KEY they are) can take upserts. `emitUpserts()`,
   * called before the job is built, makes the changelog `+U` without `-U`.
   */
  readonly upsertKey?: { readonly positions: readonly number[]; emitUpserts(): void };
  stream(rewrite?: OutputRewrite): DataStream<Row>;
}

/** The rows of a stream whose rows are already the columns, rewritten by an extra step when asked. */
export function materialized(
  stream: DataStream<Row>,
  columns: readonly Column[],
  updating: Pick<PlannedQuery, 'updating' | 'updatingBy'> = { updating: false },
): PlannedQuery {
  return {
    columns,
    ...updating,
    stream(rewrite) {
      if (!rewrite) return stream;
      const consts = new Constants();
      const fields = rewrite(
        columns.map((c) => propertyAccess('r', c.name, consts)),
        consts,
      );
      const projection = buildFunction<(r: Row) => Row>(`function project(r) { return { ${fields.join(', ')} }; }`, consts, helpers);
      return stream.transform<Row>('Project', 'sqlCalc', { condition: undefined, projection, text: { select: 'project' } } satisfies CalcParams);
    },
  };
}

export interface PlanContext {
  readonly env: StreamEnvironment;
  readonly catalog: Catalog;
  readonly sql: string;
  /** `table.exec.state.ttl` in milliseconds (0 or absent: state never expires). */
  readonly stateTtl?: number;
  /** `table.exec.mini-batch.enabled`: GROUP BY folds each input batch per group. */
  readonly miniBatch?: boolean;
  /** `execution.runtime-mode` = `batch`: bounded inputs, final results only (ORDER BY sorts at the end). */
  readonly batch?: boolean;
  /** `table.local-time-zone` as an Intl zone id (absent: UTC). */
  readonly timeZone?: string;
}

/** The context to plan a view's query in: its own text, and its own names for a WITH query. */
export function viewContext(ctx: PlanContext, view: CatalogView): PlanContext {
  return { ...ctx, sql: view.sql, ...(view.catalog ? { catalog: view.catalog } : {}) };
}

/** WHERE and the SELECT items of a query over `input`, compiled into one `sqlCalc` node. */
export function planCalc(q: Query, input: PlannedQuery, scope: Scope, sql: string): PlannedQuery {
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scope, consts, sql);
  let condition: ((r: Row) => boolean) | undefined;
  let whereText: string | undefined;
  if (q.where) {
    const c = compiler.compile(q.where);
    if (c.type.name !== 'BOOLEAN' && c.type.name !== 'NULL') throw new SqlError(`WHERE expects a BOOLEAN condition, not ${c.type.name}`, q.where.pos, sql);
    // NULL and FALSE both drop the row.
    condition = buildFunction(`function where(r) { return ${c.code} === true; }`, consts, helpers);
    whereText = exprText(q.where, sql);
  }
  const columns: Column[] = [];
  const fields: string[] = [];
  const taken = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 0; taken.has(n); i++) n = `${name}${i}`;
    taken.add(n);
    return n;
  };
  const codes: string[] = [];
  let identity = true;
  q.items.forEach((item, i) => {
    if (item.expr.kind === 'star') {
      if (item.expr.qualifier && !scope.qualifiers.includes(item.expr.qualifier))
        throw new SqlError(`Table '${item.expr.qualifier}' not found in this query`, item.expr.pos, sql);
      // `t.*` over a join: the columns of input `t`, by the names they have there.
      const side = item.expr.qualifier ? scope.sides?.get(item.expr.qualifier) : undefined;
      const starred = side
        ? [...side].map(([as, field]) => ({ ...scope.columns.find((c) => c.name === field)!, name: as }))
        : scope.columns.filter((c) => !scope.hidden?.has(c.name));
      for (const col of starred) {
        const name = unique(col.name);
        identity &&= name === col.name;
        columns.push({ ...col, name });
        codes.push(side ? compiler.column([item.expr.qualifier!, col.name], item.expr.pos).code : propertyAccess('r', col.name, consts));
        fields.push(`${propertyKey(name, consts)}: ${codes[codes.length - 1]}`);
      }
      return;
    }
    identity = false;
    const c = compiler.compile(item.expr);
    const name = unique(item.alias ?? (item.expr.kind === 'column' ? item.expr.name.parts[item.expr.name.parts.length - 1]! : `EXPR$${i}`));
    columns.push({ name, type: c.type.name === 'NULL' ? { name: 'STRING' } : c.type, nullable: c.nullable });
    codes.push(c.code);
    fields.push(`${propertyKey(name, consts)}: ${c.code}`);
  });
  identity &&= columns.length === scope.columns.length;
  const selectText = q.items
    .map((it) => {
      const text = exprText(it.expr, sql);
      return it.alias && it.alias !== text ? `${text} AS ${it.alias}` : text;
    })
    .join(', ');
  return {
    columns,
    updating: input.updating,
    ...(input.updatingBy ? { updatingBy: input.updatingBy } : {}),
    stream(rewrite) {
      if (identity && !condition) return input.stream(rewrite);
      const out = rewrite ? rewrite(codes, consts) : fields;
      const projection =
        identity && !rewrite ? undefined : buildFunction<(r: Row) => Row>(`function select(r) { return { ${out.join(', ')} }; }`, consts, helpers);
      const params: CalcParams = { condition, projection, text: { ...(whereText ? { where: whereText } : {}), ...(projection ? { select: selectText } : {}) } };
      const name = `Calc(${[projection ? `select=[${selectText}]` : '', whereText ? `where=[${whereText}]` : ''].filter(Boolean).join(', ')})`;
      return input.stream().transform<Row>(name.length > 120 ? name.slice(0, 117) + '...)' : name, 'sqlCalc', params);
    },
  };
}

/** The SQL text an expression was written as, roughly (for plan names): from its position to the next top-level delimiter. */
export function exprText(e: Expr, sql: string): string {
  let depth = 0;
  const start = startOffset(e);
  let i = start;
  for (; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (ch === ',' || ch === ';')) break;
    else if (depth === 0 && /\s/.test(ch) && /^\s+(AS|FROM|WHERE|GROUP|ORDER|LIMIT|UNION|EXCEPT|INTERSECT)\b/i.test(sql.slice(i, i + 12))) break;
  }
  return sql.slice(start, i).trim().replace(/\s+/g, ' ');
}
