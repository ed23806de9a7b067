/** A PostgreSQL log sequence number (`16/B374D848`) as a bigint, so positions compare with `<`. */
export function parseLsn(text: string): bigint {
  const slash = text.indexOf('/');
  if (slash < 0) throw new RangeError(`'${text}' is not an LSN (hex/hex)`);
  return (BigInt(`0x${text.slice(0, slash)}`) << 32n) | BigInt(`0x${text.slice(slash + 1)}`);
}

/** @example formatLsn(parseLsn('16/B374D848')) // '16/B374D848' */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
