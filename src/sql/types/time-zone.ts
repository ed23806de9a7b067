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
const offsets = new Map<string, Map<number, number>>();
/** Zones change their offset at a multiple of 15 minutes (UTC): one offset per such slot is exact. */
const SLOT = 900_000;
const DAY = 86_400_000;

/**
 * How far the wall clock of `zone` is ahead of UTC at the instant `ms`, in milliseconds. Intl is
 * asked at both ends of the UTC day (one offset serves the whole day when they agree: zones change
 * at most once a day) and per 15-minute slot only on a day of change; answers are kept per zone.
 */
function offsetAt(zone: string, ms: number): number {
  let cache = offsets.get(zone);
  if (!cache) offsets.set(zone, (cache = new Map()));
  const day = Math.floor(ms / DAY);
  // One map per zone: days under odd keys, 15-minute slots under even ones.
  const dayKey = -2 * day - 1;
  let o = cache.get(dayKey);
  if (o === undefined) {
    if (cache.size > 200_000) cache.clear();
    const start = askOffset(zone, day * DAY);
    o = start === askOffset(zone, day * DAY + DAY - SLOT) ? start : NaN;
    cache.set(dayKey, o);
  }
  if (!Number.isNaN(o)) return o;
  const slot = 2 * Math.floor(ms / SLOT);
  let so = cache.get(slot);
  if (so === undefined) cache.set(slot, (so = askOffset(zone, (slot / 2) * SLOT)));
  return so;
}

function askOffset(zone: string, ms: number): number {
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
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - ms;
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
 * undefined in UTC. A time the clock skips (a DST gap) moves forward by the gap, and one it shows twice
 * takes the earlier offset, as java.time does.
 */
export function fromLocalTime(zone = current): ((local: number) => number) | undefined {
  if (isUtc(zone)) return undefined;
  const fixed = fixedOffset(zone);
  if (fixed !== undefined) return (local) => local - fixed;
  // The offsets half a day before and after: a transition between them makes a gap or an overlap.
  return (local) => {
    const before = local - offsetAt(zone, local - 43_200_000);
    const after = local - offsetAt(zone, local + 43_200_000);
    // An overlap takes the earlier offset, as java.time; a gap too, which moves the time forward by the gap.
    return before + offsetAt(zone, before) !== local && after + offsetAt(zone, after) === local ? after : before;
  };
}
