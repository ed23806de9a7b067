/**
 * A Date of a database timestamp whose value has microseconds below its millisecond (MariaDB's
 * TIMESTAMP(4..6), PostgreSQL's timestamp and timestamptz): the Date holds the millisecond (cut), as
 * the drivers make it, and `micros` the 0 to 999 microseconds a Date cannot hold. Code that knows
 * nothing of it sees an ordinary Date; SQL's TIMESTAMP(p > 3) adds the microseconds.
 *
 * @example
 * const d = new MicroDate(Date.UTC(2024, 0, 1, 12, 0, 0, 123), 456); // 2024-01-01 12:00:00.123456 UTC
 * microsOf(d); // 456
 */
export class MicroDate extends Date {
  readonly micros: number;

  constructor(ms: number, micros: number) {
    super(ms);
    this.micros = micros;
  }
}

/** The microseconds below a Date's millisecond: 0 unless it is a MicroDate. */
export const microsOf = (d: Date): number => (d instanceof MicroDate ? d.micros : 0);

/**
 * A driver's Date with the microseconds of the fraction digits it was read from (the digits after
 * the point, of which the driver kept three): the Date itself when they are zero.
 */
export function withFractionMicros(d: Date, fraction: string): Date {
  if (fraction.length <= 3 || Number.isNaN(d.getTime())) return d;
  const micros = Number(fraction.slice(3, 6).padEnd(3, '0'));
  return micros === 0 ? d : new MicroDate(d.getTime(), micros);
}
