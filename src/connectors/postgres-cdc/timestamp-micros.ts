import { withFractionMicros } from '../../core/micro-date.js';

/** timestamp and timestamptz, whose text has up to six fraction digits. */
const TIMESTAMP_OIDS: ReadonlySet<number> = new Set([1114, 1184]);
const FRACTION = /\.(\d+)/;

/**
 * `pg`'s own timestamp parser with the microseconds it drops kept (a MicroDate), so a row read
 * through it holds what the fast paths' rows hold; any other parser (another type's, or one the
 * application registered) as it is.
 *
 * @example
 * withTextMicros(1114, pg.types.getTypeParser(1114))('2024-01-01 12:00:00.123456') // a MicroDate, micros 456
 */
export function withTextMicros<P extends (text: string) => unknown>(oid: number, parse: P): P {
  if (!TIMESTAMP_OIDS.has(oid) || parse.name !== 'parseDate') return parse;
  // Named so that the COPY decoder knows it for the driver's own (and reads such columns itself).
  return function parseDateMicros(text: string) {
    const v = parse(text);
    const fraction = v instanceof Date ? FRACTION.exec(text)?.[1] : undefined;
    return fraction === undefined ? v : withFractionMicros(v as Date, fraction);
  } as P;
}

/** Whether `p` is `pg`'s own timestamp parser, with or without the microseconds kept. */
export const isDriverTimestampParser = (p: { readonly name: string }): boolean => p.name === 'parseDate' || p.name === 'parseDateMicros';
