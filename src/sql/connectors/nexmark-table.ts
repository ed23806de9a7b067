import { Batch } from '../../core/batch.js';
import { closestName } from '../../core/closest-name.js';
import type { Source, SourceReader } from '../../core/source.js';
import { nexmark } from '../../connectors/nexmark/nexmark-source.js';
import type { NexmarkEvent } from '../../connectors/nexmark/nexmark-model.js';
import type { SqlType, SqlTypeName } from '../sql-types.js';
import { AUCTION_PROPORTION, BID_PROPORTION, DEFAULT_EVENTS_PER_SECOND, PERSON_PROPORTION } from '../../connectors/nexmark/nexmark-config.js';
import type { Row } from '../operators/calc-operator.js';
import { numberOption, type TableConnector, type TableContext } from './table-connector.js';

/** The fields of each event kind, with the SQL type of their values (TIMESTAMP: epoch ms). */
const FIELDS: Record<string, Record<string, SqlTypeName>> = {
  person: {
    id: 'BIGINT',
    name: 'STRING',
    emailAddress: 'STRING',
    creditCard: 'STRING',
    city: 'STRING',
    state: 'STRING',
    dateTime: 'TIMESTAMP',
    extra: 'STRING',
  },
  auction: {
    id: 'BIGINT',
    itemName: 'STRING',
    description: 'STRING',
    initialBid: 'BIGINT',
    reserve: 'BIGINT',
    dateTime: 'TIMESTAMP',
    expires: 'TIMESTAMP',
    seller: 'BIGINT',
    category: 'BIGINT',
    extra: 'STRING',
  },
  bid: { auction: 'BIGINT', bidder: 'BIGINT', price: 'BIGINT', channel: 'STRING', url: 'STRING', dateTime: 'TIMESTAMP', extra: 'STRING' },
};

/** A reader that keeps the events of one kind, as rows of the table's columns. */
function eventsOf(reader: SourceReader<NexmarkEvent>, kind: string, names: readonly string[]): SourceReader<Row> {
  const keep = (b: Batch<NexmarkEvent> | 'later' | 'end') => {
    if (!(b instanceof Batch)) return b;
    const values: Row[] = [];
    const timestamps: number[] = [];
    for (let i = 0; i < b.values.length; i++) {
      const e = b.values[i]! as unknown as Row;
      if (e.type !== kind) continue;
      const row: Row = {};
      for (const n of names) row[n] = e[n];
      values.push(row);
      timestamps.push(b.timestamps[i]!);
    }
    return values.length === 0 ? 'later' : new Batch(values, timestamps);
  };
  return wrapReader(reader, keep);
}

/** Nexmark's own DDL: `event_type` 0, 1 and 2 for a person, an auction and a bid. */
const EVENT_TYPES: Record<string, number> = { person: 0, auction: 1, bid: 2 };

/** The value of one column of Nexmark's unified table for an event: its type's code, or its fields in a ROW (NULL for the other kinds). */
interface UnifiedColumn {
  readonly name: string;
  /** The event kind of a ROW column; undefined for `event_type`. */
  readonly kind: string | undefined;
  readonly fields: readonly string[];
}

/** A reader giving every event as a row of Nexmark's unified table (`event_type`, `person`, `auction`, `bid`). */
function unifiedEvents(reader: SourceReader<NexmarkEvent>, columns: readonly UnifiedColumn[]): SourceReader<Row> {
  const convert = (b: Batch<NexmarkEvent> | 'later' | 'end') => {
    if (!(b instanceof Batch)) return b;
    const values: Row[] = new Array(b.values.length);
    for (let i = 0; i < b.values.length; i++) {
      const e = b.values[i]! as unknown as Row;
      const row: Row = {};
      for (const c of columns) {
        if (c.kind === undefined) row[c.name] = EVENT_TYPES[e.type as string];
        else if (c.kind !== e.type) row[c.name] = null;
        else {
          const nested: Row = {};
          for (const f of c.fields) nested[f] = e[f];
          row[c.name] = nested;
        }
      }
      values[i] = row;
    }
    return new Batch(values, b.timestamps);
  };
  return wrapReader(reader, convert);
}

/** `reader` with each polled batch passed through `map`, its other hooks as they are. */
function wrapReader(reader: SourceReader<NexmarkEvent>, map: (b: Batch<NexmarkEvent> | 'later' | 'end') => Batch<Row> | 'later' | 'end'): SourceReader<Row> {
  const out: SourceReader<Row> = {
    poll() {
      const r = reader.poll();
      return r instanceof Promise ? r.then(map) : map(r);
    },
  };
  if (reader.snapshotState) out.snapshotState = () => reader.snapshotState!();
  if (reader.close) out.close = () => reader.close!();
  if (reader.addSplits) out.addSplits = (s, p) => reader.addSplits!(s, p);
  if (reader.notifyNoMoreSplits) out.notifyNoMoreSplits = () => reader.notifyNoMoreSplits!();
  return out;
}

/** Fails unless the columns `cols` are fields of a Nexmark `kind` with their types. */
function checkFields(ctx: TableContext, kind: string, cols: readonly { name: string; type: SqlType }[], where: string): void {
  const fields = FIELDS[kind]!;
  for (const col of cols) {
    const type = fields[col.name];
    if (type === undefined) {
      const near = closestName(col.name, Object.keys(fields));
      ctx.fail(`${where}'${col.name}' is not a field of a Nexmark ${kind} (${Object.keys(fields).join(', ')})${near ? `; did you mean '${near}'?` : ''}`);
    }
    if (type !== col.type.name && !(type === 'BIGINT' && (col.type.name === 'INT' || col.type.name === 'DOUBLE')))
      ctx.fail(`${where}'${col.name}' of a Nexmark ${kind} is ${type}, not ${col.type.name}`);
  }
}

/**
 * Nexmark's own DDL: a column `event_type` or a ROW column named `person`, `auction` or `bid`
 * makes the table the generator's every event, one row each (as the nexmark project's `nexmark`
 * table, with views per kind over it).
 */
function unifiedColumns(ctx: TableContext): UnifiedColumn[] | undefined {
  const unified = ctx.columns.some((c) => c.name === 'event_type' || (FIELDS[c.name] !== undefined && c.type.name === 'ROW'));
  if (!unified) return undefined;
  if (ctx.options.has('event.type'))
    ctx.fail("option 'event.type' is for a table of one event kind; a table with 'event_type' or ROW columns person, auction, bid has every event");
  return ctx.columns.map((c) => {
    if (c.name === 'event_type') {
      if (c.type.name !== 'INT' && c.type.name !== 'BIGINT') ctx.fail(`column 'event_type' is INT (0 person, 1 auction, 2 bid), not ${c.type.name}`);
      return { name: c.name, kind: undefined, fields: [] };
    }
    if (FIELDS[c.name] === undefined || c.type.name !== 'ROW')
      ctx.fail(`column '${c.name}' is not a column of Nexmark's table (event_type INT, and ROW columns person, auction, bid)`);
    const fields = c.type.fields!;
    checkFields(ctx, c.name, fields, `field ${c.name}.`);
    return { name: c.name, kind: c.name, fields: fields.map((f) => f.name) };
  });
}

/** Flink's nexmark options that Weir's generator has only at their benchmark values. */
function checkFixedOptions(ctx: TableContext): void {
  for (const [kind, value] of [
    ['person', PERSON_PROPORTION],
    ['auction', AUCTION_PROPORTION],
    ['bid', BID_PROPORTION],
  ] as const) {
    const v = numberOption(ctx, `${kind}.proportion`);
    if (v !== undefined && v !== value)
      ctx.fail(`option '${kind}.proportion' = '${v}' is not supported yet: the generator keeps the benchmark's 1:3:46 (person:auction:bid)`);
  }
  const next = numberOption(ctx, 'next-event.rate');
  const first = numberOption(ctx, 'first-event.rate');
  if (next !== undefined && next !== (first ?? DEFAULT_EVENTS_PER_SECOND))
    ctx.fail("option 'next-event.rate' must equal 'first-event.rate': a changing event rate is not supported yet");
}

/**
 * The Nexmark benchmark's generator as a SQL table. Either Nexmark's own DDL (every event, with
 * `event_type` and the ROW columns `person`, `auction`, `bid`, only the one of its kind set), or
 * a table of one event kind ('event.type': `bid`, `auction` or `person`) whose columns are that
 * event's fields by name. Bounded by 'events.num'.
 */
export const nexmarkTable: TableConnector = {
  name: 'nexmark',
  options: ['event.type', 'events.num', 'first-event.rate', 'next-event.rate', 'person.proportion', 'auction.proportion', 'bid.proportion', 'seed'],
  source(ctx) {
    checkFixedOptions(ctx);
    const unified = unifiedColumns(ctx);
    const kind = ctx.options.get('event.type') ?? 'bid';
    if (!unified) {
      if (!FIELDS[kind]) ctx.fail(`option 'event.type' must be 'bid', 'auction' or 'person', not '${kind}'`);
      checkFields(ctx, kind, ctx.columns, 'column ');
    }
    const events = numberOption(ctx, 'events.num');
    const rate = numberOption(ctx, 'first-event.rate');
    const seed = numberOption(ctx, 'seed');
    const inner = nexmark({
      ...(events !== undefined ? { events } : {}),
      ...(rate !== undefined ? { eventsPerSecond: rate } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    const names = ctx.columns.map((c) => c.name);
    const readerOf = (r: SourceReader<NexmarkEvent>) => (unified ? unifiedEvents(r, unified) : eventsOf(r, kind, names));
    const source: Source<Row, any> = {
      ...inner,
      name: unified ? 'nexmark events' : `nexmark ${kind}s`,
      createReader: (splits, rctx, restored) => readerOf(inner.createReader(splits, rctx, restored) as SourceReader<NexmarkEvent>),
    } as Source<Row, any>;
    return { source, values: 'typed' };
  },
};
