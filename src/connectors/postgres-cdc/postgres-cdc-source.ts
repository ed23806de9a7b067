import type { Source } from '../../core/source.js';
import { CdcEnumerator, type CdcEnumeratorState } from './cdc-enumerator.js';
import { CdcReader } from './cdc-reader.js';
import type { CdcSplit } from './cdc-splits.js';
import { resolveOptions, type PostgresCdcOptions } from './postgres-cdc-options.js';
import type { Row } from './row-changes.js';

/**
 * Change data capture from one PostgreSQL table, as Flink CDC's `postgres-cdc`: a lock-free
 * incremental snapshot in primary-key chunks, then the logical replication log from the slot, as a
 * changelog (+I, -U, +U, -D) of row objects. See docs/cdc.md for the server settings it needs.
 *
 * @example
 * env.fromSource(postgresCdcSource({
 *   hostname: 'localhost', username: 'cdc', password: 'secret', 'database-name': 'shop',
 *   'table-name': 'orders', 'slot.name': 'orders_slot',
 * }));
 */
export function postgresCdcSource(options: PostgresCdcOptions): Source<Row, CdcSplit> {
  const o = resolveOptions(options);
  return {
    name: options.name ?? `postgres-cdc ${o.schema}.${o.table}`,
    bounded: o.startupMode === 'snapshot',
    replayable: true,
    changelogMode: 'changelog',
    splits: () => [],
    createReader: () => new CdcReader(o),
    createEnumerator: (ctx, restored) => new CdcEnumerator(o, ctx, restored as CdcEnumeratorState | undefined),
    isSplitFinished: (position) => position === 'done',
  };
}
