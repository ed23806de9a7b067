import type { Batch } from '../core/batch.js';
import type { SourceReader } from '../core/source.js';

/** Polls `reader` until it ends, or `polls` times, and returns what it read. */
export async function drain<T>(reader: SourceReader<T>, polls = Infinity): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < polls; k++) {
    const r = await reader.poll();
    if (r === 'end') break;
    if (r !== 'later') out.push(...(r as Batch<T>).values);
  }
  return out;
}
