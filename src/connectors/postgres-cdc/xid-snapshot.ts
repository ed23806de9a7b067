/**
 * A transaction snapshot as `pg_current_snapshot()` prints it (`xmin:xmax:xip,...`, 64-bit ids):
 * which transactions a query saw. A chunk's log backfill applies exactly the transactions its
 * SELECT did not see, so no LSN race between the query and the watermark can drop or repeat one.
 */
export interface XidSnapshot {
  readonly xmin: bigint;
  readonly xmax: bigint;
  readonly xip: ReadonlySet<bigint>;
}

export function parseXidSnapshot(text: string): XidSnapshot {
  const [xmin, xmax, xip] = text.split(':');
  if (xmin === undefined || xmax === undefined || xip === undefined) throw new RangeError(`'${text}' is not a snapshot (xmin:xmax:xip)`);
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), xip: new Set(xip === '' ? [] : xip.split(',').map((x) => BigInt(x))) };
}

/**
 * Whether the committed transaction `xid` (32 bits, as the log carries it) was visible to the
 * snapshot. The epoch is taken from `xmax`: the transaction is at most 2^31 older than it.
 */
export function visibleIn(snapshot: XidSnapshot, xid: number): boolean {
  const epoch = snapshot.xmax >> 32n;
  let full = (epoch << 32n) | BigInt(xid >>> 0);
  if (full > snapshot.xmax + (1n << 31n)) full -= 1n << 32n;
  if (full < snapshot.xmin) return true;
  if (full >= snapshot.xmax) return false;
  return !snapshot.xip.has(full);
}
