/**
 * A span of time, as milliseconds or as a string such as `'10s'`, `'500 ms'`, `'1 min'`, `'2h'`.
 *
 * @example
 * toMillis('10s'); // 10000
 */
export type Duration = number | string;

const UNITS: Record<string, number> = {
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Converts a {@link Duration} to milliseconds; throws on a value it cannot read, naming it. */
export function toMillis(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new RangeError(`Invalid duration: ${d} (expected a non-negative number of milliseconds)`);
    return d;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(d);
  const unit = m ? (m[2] === '' ? 'ms' : m[2]!.toLowerCase()) : undefined;
  const factor = unit === undefined ? undefined : UNITS[unit];
  if (!m || factor === undefined) throw new RangeError(`Invalid duration: '${d}' (expected e.g. '500ms', '10s', '5 min', '1h')`);
  return Math.round(Number(m[1]) * factor);
}
