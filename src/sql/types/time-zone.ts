import { SqlError } from '../sql-error.js';

/**
 * The session time zone (`table.local-time-zone`), as Flink uses it: TIMESTAMP_LTZ values are
 * instants (epoch milliseconds) shown, cast and formatted as wall-clock times of this zone, and
 * LOCALTIMESTAMP, CURRENT_DATE and CURRENT_TIME read the clock in it. Planning is synchronous, so
 * the zone is set for the planning call (as the function catalog is), not passed through every
 * compiler; compiled code captures the conversion functions, never the setting.
 */
let current = 'UTC';

export function withTimeZone<T>(zone: string, plan: () => T): T {
  const before = current;
  current = zone;
  try {
    return plan();
  } finally {
    current = before;
  }
}

export const currentTimeZone = (): string => current;

/** Flink's zone ids as Intl reads them: 'UTC', 'Asia/Shanghai', 'GMT+08:00' / 'UTC-5' (fixed offsets), '+08:00'. */
export function checkTimeZone(zone: string): string {
  const fixed = /^(?:GMT|UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (fixed && Number(fixed[2]) <= 18 && Number(fixed[3] ?? 0) < 60) return `${fixed[1]}${fixed[2]!.padStart(2, '0')}:${fixed[3] ?? '00'}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new SqlError(`'table.local-time-zone': '${zone}' is not a time zone (examples: 'UTC', 'Europe/Berlin', 'GMT+08:00')`);
  }
  return zone;
}

/** A fixed offset (`+08:00`) in milliseconds, or undefined for a named zone. */
function fixedOffset(zone: string): number | undefined {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(zone);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000) : undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far the wall clock of `zone` is ahead of UTC at the instant `ms`, in milliseconds. */
function offsetAt(zone: string, ms: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const floorSec = Math.floor(ms / 1000) * 1000;
  return wall - floorSec;
}

const isUtc = (zone: string) => zone === 'UTC' || zone === '+00:00' || zone === 'Etc/UTC';

/** Instant -> wall-clock milliseconds of the session zone (a TIMESTAMP_LTZ read as a TIMESTAMP); undefined in UTC. */
export function toLocalTime(zone = current): ((ms: number) => number) | undefined {
  if (isUtc(zone)) return undefined;
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return (ms) => ms + fixed;
  return (ms) => ms + offsetAt(zone, ms);
}

/**
 * Wall-clock milliseconds of the session zone -> the instant (a TIMESTAMP read as a TIMESTAMP_LTZ);
 * undefined in UTC. A time the clock skips (a DST gap) moves forward by the gap, as java.time does.
 */
export function fromLocalTime(zone = current): ((local: number) => number) | undefined {
  if (isUtc(zone)) return undefined;
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return (local) => local - fixed;
  return (local) => {
    const guess = local - offsetAt(zone, local);
    const at = local - offsetAt(zone, guess);
    return at + offsetAt(zone, at) === local ? at : guess;
  };
}
