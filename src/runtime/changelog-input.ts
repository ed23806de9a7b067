import type { Batch } from '../core/batch.js';
import { WeirError, snippet } from '../core/errors.js';
import { RowKind, rowKindShort } from '../core/row-kind.js';

/**
 * Fails on the first row of a changelog batch that is not an insertion, for an operator that only
 * understands insertions: a keyed reduce or a window would otherwise count a deletion as one more
 * record. Out of line, so the record path pays one `kinds !== undefined` check.
 */
export function checkInsertOnly(operatorName: string, batch: Batch<unknown>): void {
  const kinds = batch.kinds!;
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] !== RowKind.INSERT) {
      throw new WeirError(
        `Operator '${operatorName}' takes insert-only input, but received a ${rowKindShort(kinds[i]!)} row: ${snippet(batch.values[i])}. ` +
          'Its input is a changelog (updates or deletions); consume it with an operator that handles changelogs, or keep only the rows you mean to count.',
      );
    }
  }
}
