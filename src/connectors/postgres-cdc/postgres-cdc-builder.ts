import type { Source } from '../../core/source.js';
import type { CdcSplit } from './cdc-splits.js';
import type { Duration } from '../../core/duration.js';
import type { MetadataColumn, PostgresCdcOptions, StartupMode } from './postgres-cdc-options.js';
import { postgresCdcSource } from './postgres-cdc-source.js';
import type { Row } from './row-changes.js';

type Mutable = { -readonly [K in keyof PostgresCdcOptions]?: PostgresCdcOptions[K] };

/**
 * Builds a {@link postgresCdcSource} step by step, as Flink CDC's `PostgresSourceBuilder`; each
 * method sets the option of the same name. `build()` checks that the required ones are there.
 *
 * @example
 * const source = PostgresCdcSourceBuilder.create()
 *   .hostname('localhost').port(5432).username('cdc').password('secret')
 *   .databaseName('shop').schemaName('public').tableName('orders').slotName('orders_slot')
 *   .startupMode('initial').chunkSize(8096).heartbeatInterval('30s').metadata('op_ts', 'table_name')
 *   .build();
 */
export class PostgresCdcSourceBuilder {
  private readonly o: Mutable = {};

  static create(): PostgresCdcSourceBuilder {
    return new PostgresCdcSourceBuilder();
  }

  /** Sets any option by its Flink CDC name. */
  option<K extends keyof PostgresCdcOptions>(name: K, value: PostgresCdcOptions[K]): this {
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
  schemaName(v: string): this {
    return this.option('schema-name', v);
  }
  tableName(v: string): this {
    return this.option('table-name', v);
  }
  slotName(v: string): this {
    return this.option('slot.name', v);
  }
  decodingPluginName(v: 'pgoutput'): this {
    return this.option('decoding.plugin.name', v);
  }
  startupMode(v: StartupMode): this {
    return this.option('scan.startup.mode', v);
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
  heartbeatInterval(v: Duration): this {
    return this.option('heartbeat.interval', v);
  }
  metadata(...columns: MetadataColumn[]): this {
    return this.option('metadata', columns);
  }
  /** Captures matching tables created after the job started (`scan.newly-added-table.enabled`). */
  newlyAddedTables(v = true): this {
    return this.option('scan.newly-added-table.enabled', v);
  }
  name(v: string): this {
    return this.option('name', v);
  }

  build(): Source<Row, CdcSplit> {
    return postgresCdcSource(this.o as PostgresCdcOptions);
  }
}
