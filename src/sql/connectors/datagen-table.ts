import { datagen } from '../../connectors/datagen/datagen-source.js';
import type { RowRandom } from '../../connectors/datagen/row-random.js';
import type { Row } from '../operators/calc-operator.js';
import { buildFunction, Constants, propertyKey } from '../expression-compiler.js';
import { numberOption, type TableConnector, type TableContext } from './table-connector.js';
import { typedField } from './datagen-typed-fields.js';
import { formatType, type SqlType } from '../sql-types.js';

type FieldGen = (index: number, random: RowRandom) => unknown;

/**
 * Flink's `datagen`: random or sequence values per column. Bounded by 'number-of-rows' or by the
 * end of a sequence column; rate-limited only when 'rows-per-second' is set.
 */
export const datagenTable: TableConnector = {
  name: 'datagen',
  options: [
    'number-of-rows',
    'rows-per-second',
    'fields.#.kind',
    'fields.#.min',
    'fields.#.max',
    'fields.#.max-past',
    'fields.#.length',
    'fields.#.start',
    'fields.#.end',
    'fields.#.null-rate',
  ],
  source(ctx) {
    let rows = numberOption(ctx, 'number-of-rows');
    const gens: [string, FieldGen][] = [];
    // Random timestamps fall in the 'max-past' before the table was planned, as Flink's go back from now.
    const now = Date.now();
    for (const col of ctx.columns) {
      const opt = (k: string) => numberOption(ctx, `fields.${col.name}.${k}`);
      const kind = ctx.options.get(`fields.${col.name}.kind`) ?? 'random';
      if (kind !== 'random' && kind !== 'sequence') ctx.fail(`option 'fields.${col.name}.kind' must be 'random' or 'sequence', not '${kind}'`);
      let gen: FieldGen;
      const collection = COLLECTIONS.has(col.type.name);
      if (collection && kind === 'sequence') ctx.fail(`column '${col.name}': a ${formatType(col.type)} column cannot be a sequence`);
      const typed = collection ? collectionField(col.type, col.name, ctx, now) : typedField(col.type, col.name, kind as 'random' | 'sequence', ctx, now);
      if (typed) {
        gen = typed;
        if (kind === 'sequence') rows = Math.min(rows ?? Infinity, opt('end')! - opt('start')! + 1);
      } else if (kind === 'sequence') {
        const start = opt('start')!;
        const end = opt('end')!;
        if (Number.isNaN(start + end)) ctx.fail(`a sequence column needs 'fields.${col.name}.start' and 'fields.${col.name}.end'`);
        rows = Math.min(rows ?? Infinity, end - start + 1);
        gen = col.type.name === 'STRING' ? (i) => String(start + i) : (i) => start + i;
      } else gen = randomField(col.type.name, col.name, ctx, now);
      const nullRate = opt('null-rate') ?? 0;
      gens.push([col.name, nullRate > 0 ? (i, r) => (r.bool(nullRate) ? null : gen(i, r)) : gen]);
    }
    const rate = numberOption(ctx, 'rows-per-second');
    const source = datagen<Row>({
      ...(rows !== undefined && rows !== Infinity ? { numberOfRows: rows } : {}),
      ...(rate !== undefined ? { rowsPerSecond: rate } : {}),
      seed: 42,
      name: `datagen ${ctx.table}`,
      generator: rowGenerator(gens),
    });
    return { source, values: 'typed' };
  },
};

function randomField(type: string, name: string, ctx: TableContext, now: number): FieldGen {
  const opt = (k: string, d: number) => numberOption(ctx, `fields.${name}.${k}`, d)!;
  switch (type) {
    case 'INT':
    case 'BIGINT': {
      const min = opt('min', type === 'INT' ? -2147483648 : Number.MIN_SAFE_INTEGER);
      const max = opt('max', type === 'INT' ? 2147483647 : Number.MAX_SAFE_INTEGER);
      return (_i, r) => min + Math.floor(r.next() * (max - min + 1));
    }
    case 'DOUBLE': {
      const min = opt('min', 0);
      const max = opt('max', 1);
      return (_i, r) => r.float(min, max);
    }
    case 'BOOLEAN':
      return (_i, r) => r.bool();
    case 'TIMESTAMP': {
      const past = opt('max-past', 0);
      return (_i, r) => now - Math.floor(r.next() * past);
    }
    default: {
      const length = opt('length', 100);
      return (_i, r) => r.string(length);
    }
  }
}

const COLLECTIONS = new Set(['ARRAY', 'MAP', 'ROW']);

/**
 * Random ARRAY, MAP and ROW values, as Flink's datagen: 'fields.#.length' elements (default 3) of
 * an ARRAY or entries of a MAP (equal keys fold into one), each ROW field random; the elements,
 * keys, values and fields are random with their type's default range.
 */
function collectionField(type: SqlType, name: string, ctx: TableContext, now: number): FieldGen {
  const length = numberOption(ctx, `fields.${name}.length`, 3)!;
  // Nested values take no options of their own: their names (`col.element`) match no option key.
  const nested = (t: SqlType, path: string): FieldGen =>
    COLLECTIONS.has(t.name) ? collectionOf(t, path) : (typedField(t, path, 'random', ctx, now) ?? randomField(t.name, path, ctx, now));
  const collectionOf = (t: SqlType, path: string): FieldGen => {
    if (t.name === 'ARRAY') {
      const el = nested(t.element!, `${path}.element`);
      return (i, r) => Array.from({ length }, () => el(i, r));
    }
    if (t.name === 'MAP') {
      const k = nested(t.key!, `${path}.key`);
      const v = nested(t.value!, `${path}.value`);
      return (i, r) => {
        const m = new Map<unknown, unknown>();
        for (let j = 0; j < length; j++) m.set(k(i, r), v(i, r));
        return m;
      };
    }
    const fields = t.fields!.map((f) => [f.name, nested(f.type, `${path}.${f.name}`)] as const);
    return (i, r) => {
      const row: Record<string, unknown> = {};
      for (const [n, g] of fields) row[n] = g(i, r);
      return row;
    };
  };
  return collectionOf(type, name);
}

/** One object literal per row (a fixed shape V8 keeps fast), the column generators as constants. */
function rowGenerator(gens: readonly [string, FieldGen][]): (i: number, r: RowRandom) => Row {
  const consts = new Constants();
  const fields = gens.map(([name, g]) => `${propertyKey(name, consts)}: ${consts.ref(g)}(i, r)`);
  return buildFunction(`function generate(i, r) { return { ${fields.join(', ')} }; }`, consts, undefined);
}
