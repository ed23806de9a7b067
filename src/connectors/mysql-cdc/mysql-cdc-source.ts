import type { Source } from '../../core/source.js';
import { MysqlCdcEnumerator, type MysqlCdcEnumeratorState } from './cdc-enumerator.js';
import { MysqlCdcReader } from './cdc-reader.js';
import type { MysqlCdcSplit } from './cdc-splits.js';
import { resolveOptions, type MysqlCdcOptions } from './mysql-cdc-options.js';
import type { Row } from './row-changes.js';

/**
 * Change data capture from MySQL or MariaDB tables (`database-name` and `table-name` may be
 * regular expressions matching several), as Flink CDC's `mysql-cdc`: a lock-free
 * incremental snapshot in primary-key chunks, then the binlog, as a changelog (+I, -U, +U, -D) of
 * row objects. See docs/cdc.md for the server settings it needs.
 *
 * @example
 * env.fromSource(mysqlCdcSource({
 *   hostname: 'localhost', username: 'cdc', password: 'secret', 'database-name': 'shop',
 *   'table-name': 'orders', 'server-id': '5400-5404',
 * }));
 */
export function mysqlCdcSource(options: MysqlCdcOptions): Source<Row, MysqlCdcSplit> {
  const o = resolveOptions(options);
  const span = o.serverIds.last - o.serverIds.first;
  return {
    name: options.name ?? `mysql-cdc ${o.database}.${o.table}`,
    bounded: o.startupMode === 'snapshot',
    replayable: true,
    changelogMode: 'changelog',
    splits: () => [],
    // The log reader uses the first id; snapshot readers the following ones (shared if the range is short).
    createReader: (_splits, ctx) => new MysqlCdcReader(o, o.serverIds.first + 1 + (span > 0 ? ctx.subtaskIndex % span : ctx.subtaskIndex)),
    createEnumerator: (ctx, restored) => new MysqlCdcEnumerator(o, ctx, restored as MysqlCdcEnumeratorState | undefined),
    isSplitFinished: (position) => position === 'done',
  };
}
