import type { Duration } from '../../core/duration.js';
import type { Source } from '../../core/source.js';
import type { MysqlCdcSplit } from './cdc-splits.js';
import type { MetadataColumn, MysqlCdcOptions, StartupMode } from './mysql-cdc-options.js';
import { mysqlCdcSource } from './mysql-cdc-source.js';
import type { Row } from './row-changes.js';

type Mutable = { -readonly [K in keyof MysqlCdcOptions]?: MysqlCdcOptions[K] };

/**
 * Builds a {@link mysqlCdcSource} step by step, as Flink CDC's `MySqlSourceBuilder`; each method
 * sets the option of the same name. `build()` checks that the required ones are there.
 *
 * @example
 * const source = MysqlCdcSourceBuilder.create()
 *   .hostname('localhost').port(3306).username('cdc').password('secret')
 *   .databaseName('shop').tableName('orders').serverId('5400-5404')
 *   .startupMode('initial').chunkSize(8096).metadata('op_ts', 'table_name')
 *   .build();
 */
export class MysqlCdcSourceBuilder {
  private readonly o: Mutable = {};

  static create(): MysqlCdcSourceBuilder {
    return new MysqlCdcSourceBuilder();
  }

  /** Sets any option by its Flink CDC name. */
  option<K extends keyof MysqlCdcOptions>(name: K, value: MysqlCdcOptions[K]): this {
    (this.o as Record<string, unknown>)[name] = value;
    return this;
  }

  hostname(v: string): this {
    return this.option('hostname', v);
  }
  port(v: number): this {
    return this.option('port', v);
  }
  username(v: string): this {
    return this.option('username', v);
  }
  password(v: string): this {
    return this.option('password', v);
  }
  databaseName(v: string): this {
    return this.option('database-name', v);
  }
  tableName(v: string): this {
    return this.option('table-name', v);
  }
  serverId(v: string | number): this {
    return this.option('server-id', v);
  }
  startupMode(v: StartupMode): this {
    return this.option('scan.startup.mode', v);
  }
  /** `specific-offset`'s start: `scan.startup.specific-offset.file` and `.pos` (use with `.startupMode('specific-offset')`). */
  specificOffset(file: string, pos: number): this {
    return this.option('scan.startup.specific-offset.file', file).option('scan.startup.specific-offset.pos', pos);
  }
  /**
   * `specific-offset`'s start by GTID: `scan.startup.specific-offset.gtid-set` (MariaDB `'0-1-1234'`,
   * MySQL `'uuid:1-27'`), the first transaction after those; wins over a file and offset.
   */
  specificGtidSet(gtid: string): this {
    return this.option('scan.startup.specific-offset.gtid-set', gtid);
  }
  /** `scan.startup.timestamp-millis`, epoch milliseconds (use with `.startupMode('timestamp')`). */
  startupTimestamp(millis: number): this {
    return this.option('scan.startup.timestamp-millis', millis);
  }
  /** `heartbeat.interval`: how often an idle server tells the binlog reader its position (`'30s'`; 0 for never). */
  heartbeatInterval(v: Duration): this {
    return this.option('heartbeat.interval', v);
  }
  chunkSize(v: number): this {
    return this.option('scan.incremental.snapshot.chunk.size', v);
  }
  /**
   * `chunk-key.even-distribution.factor.upper-bound`: how sparse a one-column integer key may be
   * (key range over estimated rows) for chunk bounds to be computed rather than walked; 0 walks always.
   */
  distributionFactorUpper(v: number): this {
    return this.option('chunk-key.even-distribution.factor.upper-bound', v);
  }
  /** Captures matching tables created after the job started (`scan.newly-added-table.enabled`). */
  newlyAddedTables(v = true): this {
    return this.option('scan.newly-added-table.enabled', v);
  }
  metadata(...columns: MetadataColumn[]): this {
    return this.option('metadata', columns);
  }
  name(v: string): this {
    return this.option('name', v);
  }

  build(): Source<Row, MysqlCdcSplit> {
    return mysqlCdcSource(this.o as MysqlCdcOptions);
  }
}
