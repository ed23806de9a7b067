/**
 * The kind of change a row stands for in a changelog, as Flink's `RowKind`: an insertion, the old
 * and the new version of an updated row, or a deletion. Batches carry one byte per row
 * ({@link Batch.kinds}); a batch without that column is insert-only, so DataStream jobs never pay
 * for it.
 */
export const RowKind = {
  INSERT: 0,
  UPDATE_BEFORE: 1,
  UPDATE_AFTER: 2,
  DELETE: 3,
} as const;
export type RowKind = (typeof RowKind)[keyof typeof RowKind];

const SHORT = ['+I', '-U', '+U', '-D'] as const;
/** The short form Flink prints (`+I`, `-U`, `+U`, `-D`). */
export type RowKindShort = (typeof SHORT)[number];

/** @example rowKindShort(RowKind.DELETE) // '-D' */
export function rowKindShort(kind: number): RowKindShort {
  const s = SHORT[kind];
  if (s === undefined) throw new RangeError(`${kind} is not a row kind (0..3)`);
  return s;
}

/** @example rowKindOf('-U') // RowKind.UPDATE_BEFORE */
export function rowKindOf(short: string): RowKind {
  const i = SHORT.indexOf(short as RowKindShort);
  if (i < 0) throw new RangeError(`'${short}' is not a row kind (${SHORT.join(', ')})`);
  return i as RowKind;
}

/** Whether a row takes something back (`-U` or `-D`): an insert-only consumer cannot apply it. */
export function isRetraction(kind: number): boolean {
  return kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
}
