import type { Compiled, Scope } from '../expression-compiler.js';
import { formatType, T, type SqlType } from '../sql-types.js';
import type { TypeContext } from './typed-operators.js';

/** Functions Flink lets a query write without parentheses. */
export const NILADIC = new Set(['CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME']);

/** The type CASE, COALESCE and IF give values of `known` types where DECIMAL or TIMESTAMP precision take part; else undefined. */
export function commonTypeOf(known: readonly SqlType[]): SqlType | undefined {
  if (known.some((t) => t.name === 'DECIMAL')) {
    if (known.some((t) => t.name === 'DOUBLE') && known.every((t) => ['DECIMAL', 'DOUBLE', 'INT', 'BIGINT'].includes(t.name))) return T.DOUBLE;
    if (!known.every((t) => ['DECIMAL', 'INT', 'BIGINT'].includes(t.name))) return undefined;
    const ps = known.map((t) => (t.name === 'DECIMAL' ? { p: t.precision ?? 10, s: t.scale ?? 0 } : { p: t.name === 'INT' ? 10 : 19, s: 0 }));
    const s = Math.max(...ps.map((x) => x.s));
    const int = Math.max(...ps.map((x) => x.p - x.s));
    return { name: 'DECIMAL', precision: Math.min(38, int + s), scale: s };
  }
  const first = known[0]!;
  if ((first.name === 'TIMESTAMP' || first.name === 'TIMESTAMP_LTZ') && known.every((t) => t.name === first.name))
    return { name: first.name, precision: Math.max(...known.map((t) => t.precision ?? 3)) };
  if (['ARRAY', 'MAP', 'ROW'].includes(first.name) && known.every((t) => formatType(t) === formatType(first))) return first;
  return undefined;
}

/**
 * `r.f` (or `t.r.f`, `r.f.g`): fields of a ROW column. Undefined when the first names are not a
 * ROW column of the scope (then the name is a qualified column, as before).
 */
export function fieldAccess(parts: readonly string[], scope: Scope, column: (parts: readonly string[]) => Compiled, ctx: TypeContext): Compiled | undefined {
  let at = -1;
  if (parts.length >= 2 && scope.columns.some((c) => c.name === parts[0] && c.type.name === 'ROW')) at = 1;
  else if (parts.length >= 3 && scope.qualifiers.includes(parts[0]!) && scope.columns.some((c) => c.name === parts[1] && c.type.name === 'ROW')) at = 2;
  if (at < 0) return undefined;
  let value = column(parts.slice(0, at));
  for (const name of parts.slice(at)) {
    if (value.type.name !== 'ROW') return ctx.fail(`Cannot read field '${name}' of a ${formatType(value.type)}`, { offset: 0, line: 1, column: 1 });
    const field = value.type.fields!.find((f) => f.name === name);
    if (!field) return ctx.fail(`Field '${name}' not found in ${formatType(value.type)}`, { offset: 0, line: 1, column: 1 });
    const get = (v: Record<string, unknown> | null) => (v === null ? null : (v[name] ?? null));
    value = { code: `${ctx.ref(get)}(${value.code})`, type: field.type, nullable: true };
  }
  return value;
}
