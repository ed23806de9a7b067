import { ConfigError } from '../core/errors.js';
import { rowKindShort, type RowKind } from '../core/row-kind.js';
import type { Expr } from '../sql/ast.js';
import { databaseRowConverter } from '../sql/connectors/cdc-row-converter.js';
import { buildFunction, Constants, ExpressionCompiler, propertyKey, type Column, type Compiled } from '../sql/expression-compiler.js';
import { helpers } from '../sql/runtime-helpers.js';
import { columnRefs } from '../sql/join-conditions.js';
import { SqlError } from '../sql/sql-error.js';
import { formatType, T, type SqlType } from '../sql/sql-types.js';
import { sinkValueOf } from '../sql/types/value-format.js';
import { computedColumnType, sqlTypeOf } from './sql-column-types.js';
import type { SourceColumn } from './target-schema.js';
import type { ProjectedColumn, TransformRule } from './pipeline-definition.js';

type Row = Record<string, unknown>;

/** What the metadata columns of one source table hold (constant per table). */
export interface TableNames {
  readonly namespace: string | null;
  readonly schema: string | null;
  readonly table: string;
}

/** A column of the target: a source column (its exact type kept) or a computed one with its target type. */
export type TargetColumn = { readonly source: SourceColumn; readonly name: string } | { readonly computed: string; readonly type: string };

export interface CompiledTransform {
  /** The source columns written as they are; `undefined`: every column (new ones too). */
  readonly projection?: { readonly star: boolean; readonly columns: readonly ProjectedColumn[] };
  /**
   * The computed columns' values of a row (as the jdbc statements take them), or `undefined` when the
   * row fails the filter; absent when the rule has neither computed columns nor a filter.
   */
  readonly evaluate?: (raw: Row, kind: RowKind) => Row | undefined;
  /** The target's columns in order, for its CREATE TABLE. */
  readonly columns: readonly TargetColumn[];
}

const META = ['__namespace_name__', '__schema_name__', '__table_name__', '__data_event_type__'];

/** A computed value as the target's statements take it (an instant into `timestamptz` with its offset). */
function targetValue(t: SqlType, dialect: 'postgres' | 'mysql'): ((v: unknown) => unknown) | undefined {
  const conv = sinkValueOf(t);
  if (t.name === 'TIMESTAMP_LTZ' && dialect === 'postgres') return (v) => (v === null ? null : `${String(conv!(v))}+00`);
  return conv;
}

/**
 * Compiles a transform's projection and filter for one source table: the expressions are typed
 * against the table's columns (as SQL types) and the metadata columns, once, so a bad name or type
 * fails at the start naming the rule and the expression. Rows are converted to SQL values only in
 * the columns the expressions read.
 */
export function compileTransform(
  rule: TransformRule | undefined,
  id: string,
  cols: readonly SourceColumn[],
  names: TableNames,
  dialect: 'postgres' | 'mysql',
): CompiledTransform {
  const items = rule?.projection;
  const all: TargetColumn[] = cols.map((c) => ({ source: c, name: c.name }));
  if (!rule || (!items && !rule.filter)) return { columns: all };
  const byName = new Map(cols.map((c) => [c.name, c]));
  const scopeColumns: Column[] = [];
  const unusable = new Map<string, string>();
  for (const c of cols) {
    const type = sqlTypeOf(c);
    if (type) scopeColumns.push({ name: c.name, type, nullable: c.nullable });
    else unusable.set(c.name, c.native.type);
  }
  for (const m of META) if (!byName.has(m)) scopeColumns.push({ name: m, type: T.STRING, nullable: m === '__namespace_name__' && names.namespace === null });
  const consts = new Constants();
  const scope = { columns: scopeColumns, qualifiers: [], description: `table ${id}` };
  const used = new Set<string>();
  const compile = (what: string, e: Expr, text: string, source: string): Compiled => {
    const where = `${rule.name}.${what}: '${text}'`;
    for (const name of new Set(columnRefs(e).map((r) => r.name.parts[0]!))) {
      if (unusable.has(name)) throw new ConfigError(`${where}: column ${name} of ${id} (${unusable.get(name)}) cannot be used in an expression`);
      used.add(name);
    }
    try {
      return new ExpressionCompiler(scope, consts, source).compile(e);
    } catch (err) {
      if (err instanceof SqlError) throw new ConfigError(`${where} (table ${id}): ${err.message}`);
      throw err;
    }
  };

  let condition: string | undefined;
  if (rule.filter) {
    const f = compile('filter', rule.filter.expr, rule.filter.text, rule.filter.source);
    if (f.type.name !== 'BOOLEAN' && f.type.name !== 'NULL')
      throw new ConfigError(`${rule.name}.filter: '${rule.filter.text}' (table ${id}) is ${formatType(f.type)}, not a BOOLEAN condition`);
    condition = f.code;
  }
  const fields: string[] = [];
  const columns: TargetColumn[] = [];
  const plain: ProjectedColumn[] = [];
  let star = items === undefined;
  for (const item of items ?? []) {
    if (item.kind === 'star') {
      star = true;
      columns.push(...all);
    } else if (item.kind === 'column' && byName.has(item.from)) {
      plain.push({ from: item.from, to: item.to });
      columns.push({ source: byName.get(item.from)!, name: item.to });
    } else {
      const { expr, text, source } = item;
      const c = compile('projection', expr, text, source);
      const type = c.type.name === 'NULL' ? T.STRING : c.type;
      const conv = targetValue(type, dialect);
      fields.push(`${propertyKey(item.to, consts)}: ${conv ? `${consts.ref(conv)}(${c.code})` : c.code}`);
      columns.push({ computed: item.to, type: computedColumnType(dialect, type, `${rule.name}.projection: '${text}'`) });
    }
  }
  const written = new Set<string>();
  for (const c of columns) {
    const n = 'computed' in c ? c.computed : c.name;
    if (written.has(n)) throw new ConfigError(`${rule.name}.projection: column ${n} of ${id} is written twice`);
    written.add(n);
  }
  const projection = items ? { star, columns: plain } : undefined;
  if (!condition && fields.length === 0) return { ...(projection ? { projection } : {}), columns: items ? columns : all };

  const filter = condition ? buildFunction<(r: Row) => boolean>(`function filter(r) { return ${condition} === true; }`, consts, helpers) : undefined;
  const project = buildFunction<(r: Row) => Row>(`function project(r) { return { ${fields.join(', ')} }; }`, consts, helpers);
  const convert = databaseRowConverter(scopeColumns.filter((c) => used.has(c.name) && byName.has(c.name)));
  const meta = (
    [
      ['__namespace_name__', names.namespace],
      ['__schema_name__', names.schema],
      ['__table_name__', names.table],
    ] as const
  ).filter(([k]) => !byName.has(k));
  const event = !byName.has('__data_event_type__');
  const evaluate = (raw: Row, kind: RowKind): Row | undefined => {
    const r = convert(raw);
    for (const [k, v] of meta) r[k] = v;
    if (event) r.__data_event_type__ = rowKindShort(kind);
    if (filter && !filter(r)) return undefined;
    return project(r);
  };
  return { ...(projection ? { projection } : {}), evaluate, columns: items ? columns : all };
}
