import type { Row } from './row-changes.js';

/** Makes a row from one row's values, in the order of the column list it was made for. */
export type RowMaker = (values: readonly unknown[]) => Row;

/** Row makers by column list: one per table, so every row of a table shares one shape. */
const makers = new Map<string, RowMaker>();

/**
 * A function that builds a row of these columns as one object literal. The snapshot readers of
 * both CDC sources use it: the rows of a table share one hidden class with their properties inside
 * the object, where assigning them one by one to `{}` puts those past the fourth in a separate array.
 *
 * @example
 * const make = rowMaker(['id', 'name']);
 * make([1, 'a']); // { id: 1, name: 'a' }
 */
export function rowMaker(names: readonly string[]): RowMaker {
  const id = names.join('\u0000');
  let make = makers.get(id);
  if (!make) {
    // A computed key, so that a column named __proto__ is a property, not the object's prototype.
    const props = names.map((n, i) => `${n === '__proto__' ? `[${JSON.stringify(n)}]` : JSON.stringify(n)}: v[${i}]`);
    make = new Function('v', `"use strict"; return { ${props.join(', ')} };`) as RowMaker;
    makers.set(id, make);
  }
  return make;
}
