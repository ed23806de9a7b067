import type { RowRandom } from '../../connectors/datagen/row-random.js';
import type { SqlType } from '../sql-types.js';
import { decimalFromNumber, fitsPrecision, pow10 } from '../types/decimal.js';
import { DAY } from '../types/temporal.js';
import { numberOption, type TableContext } from './table-connector.js';

type FieldGen = (index: number, random: RowRandom) => unknown;

/**
 * `datagen` values for DECIMAL, DATE, TIME and TIMESTAMP_LTZ columns (undefined for the types the
 * connector generates itself). DECIMAL: random in 'min'..'max' (default 0..10^(p-s) - 1) at the
 * column's scale, or a sequence; DATE and TIMESTAMP_LTZ: up to 'max-past' milliseconds before now;
 * TIME: any time of day.
 */
export function typedField(type: SqlType, name: string, kind: 'random' | 'sequence', ctx: TableContext, now: number): FieldGen | undefined {
  const opt = (k: string, d?: number) => numberOption(ctx, `fields.${name}.${k}`, d);
  switch (type.name) {
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      if (kind === 'sequence') {
        const start = opt('start')!;
        return (i) => BigInt(start + i) * pow10(s);
      }
      const min = opt('min', 0)!;
      const max = opt('max', 10 ** (p - s) - 1)!;
      return (_i, r) => {
        const v = decimalFromNumber(r.float(min, max), s);
        return fitsPrecision(v, p) ? v : null;
      };
    }
    case 'DATE': {
      if (kind === 'sequence') return (i) => opt('start')! + i;
      const past = opt('max-past', 0)!;
      return (_i, r) => Math.floor((now - Math.floor(r.next() * past)) / DAY);
    }
    case 'TIME':
      return (_i, r) => Math.floor(r.next() * DAY);
    case 'TIMESTAMP_LTZ': {
      const past = opt('max-past', 0)!;
      return (_i, r) => now - Math.floor(r.next() * past);
    }
    default:
      return undefined;
  }
}
