import { Batch } from '../../core/batch.js';
import { closestName } from '../../core/closest-name.js';
import type { Source, SourceReader } from '../../core/source.js';
import { nexmark } from '../../connectors/nexmark/nexmark-source.js';
import type { NexmarkEvent } from '../../connectors/nexmark/nexmark-model.js';
import type { SqlTypeName } from '../sql-types.js';
import type { Row } from '../operators/calc-operator.js';
import { numberOption, type TableConnector } from './table-connector.js';

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
  const out: SourceReader<Row> = {
    poll() {
      const r = reader.poll();
      return r instanceof Promise ? r.then(keep) : keep(r);
    },
  };
  if (reader.snapshotState) out.snapshotState = () => reader.snapshotState!();
  if (reader.close) out.close = () => reader.close!();
  if (reader.addSplits) out.addSplits = (s, p) => reader.addSplits!(s, p);
  if (reader.notifyNoMoreSplits) out.notifyNoMoreSplits = () => reader.notifyNoMoreSplits!();
  return out;
}

/**
 * The Nexmark benchmark's generator as a SQL table of one event kind ('event.type': `bid`,
 * `auction` or `person`), whose columns are that event's fields by name (Nexmark's own DDL nests
 * the three kinds in ROW columns, which Weir's SQL does not have yet). Bounded by 'events.num'.
 */
export const nexmarkTable: TableConnector = {
  name: 'nexmark',
  options: ['event.type', 'events.num', 'first-event.rate', 'seed'],
  source(ctx) {
    const kind = ctx.options.get('event.type') ?? 'bid';
    const fields = FIELDS[kind];
    if (!fields) ctx.fail(`option 'event.type' must be 'bid', 'auction' or 'person', not '${kind}'`);
    for (const col of ctx.columns) {
      const type = fields[col.name];
      if (type === undefined) {
        const near = closestName(col.name, Object.keys(fields));
        ctx.fail(`column '${col.name}' is not a field of a Nexmark ${kind} (${Object.keys(fields).join(', ')})${near ? `; did you mean '${near}'?` : ''}`);
      }
      if (type !== col.type.name && !(type === 'BIGINT' && (col.type.name === 'INT' || col.type.name === 'DOUBLE')))
        ctx.fail(`column '${col.name}' of a Nexmark ${kind} is ${type}, not ${col.type.name}`);
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
    const source: Source<Row, any> = {
      ...inner,
      name: `nexmark ${kind}s`,
      createReader: (splits, rctx, restored) => eventsOf(inner.createReader(splits, rctx, restored) as SourceReader<NexmarkEvent>, kind, names),
    } as Source<Row, any>;
    return { source, values: 'typed' };
  },
};
