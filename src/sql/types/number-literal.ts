import type { Expr } from '../ast.js';
import { SqlError, type SqlPosition } from '../sql-error.js';

const INT_MAX = 2147483647n;
const BIGINT_MAX = 9223372036854775807n;

/**
 * A number as Flink (Calcite) types it: with an exponent (`1.5E0`) a DOUBLE; with digits after the
 * point (`1.5`, `0.10`) an exact DECIMAL(p, s), p the digits written and s those after the point;
 * else INT, or BIGINT when it does not fit. Past BIGINT, or past DECIMAL's 38 digits, it is an
 * error, as in Flink.
 *
 * @example
 * numberLiteral('0.10', pos, sql) // { kind: 'literal', type: 'decimal', value: 10n, precision: 3, scale: 2, pos }
 */
export function numberLiteral(text: string, pos: SqlPosition, sql: string): Expr {
  if (/[eE]/.test(text)) return { kind: 'literal', value: Number(text), type: 'double', pos };
  const point = text.indexOf('.');
  const fraction = point < 0 ? '' : text.slice(point + 1);
  const digits = point < 0 ? text : text.slice(0, point) + fraction;
  if (fraction !== '') {
    if (digits.length > 38) throw new SqlError(`Numeric literal '${text}' out of range: a DECIMAL has at most 38 digits`, pos, sql);
    return { kind: 'literal', value: BigInt(digits), type: 'decimal', precision: digits.length, scale: fraction.length, pos };
  }
  const v = BigInt(digits === '' ? '0' : digits);
  if (v > BIGINT_MAX) throw new SqlError(`Numeric literal '${text}' out of range: larger than BIGINT`, pos, sql);
  // BIGINT values are JS numbers (exact up to 2^53), as BIGINT columns are.
  return { kind: 'literal', value: Number(v), type: v <= INT_MAX ? 'int' : 'bigint', pos };
}
