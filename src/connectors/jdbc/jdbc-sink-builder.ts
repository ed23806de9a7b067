import type { Duration } from '../../core/duration.js';
import type { Sink } from '../../core/sink.js';
import type { Row } from './jdbc-buffer.js';
import type { JdbcSinkOptions } from './jdbc-options.js';
import { jdbcSink } from './jdbc-sink.js';

type Mutable = { -readonly [K in keyof JdbcSinkOptions]?: JdbcSinkOptions[K] };

/**
 * Builds a {@link jdbcSink} step by step; each method sets the option of the same name and
 * `build()` checks them.
 *
 * @example
 * const sink = JdbcSinkBuilder.create()
 *   .url('jdbc:postgresql://localhost:5432/shop').tableName('orders').username('app').password('secret')
 *   .primaryKey('id').bufferFlushMaxRows(1000).bufferFlushInterval('1s')
 *   .build();
 * changes.sinkTo(sink);
 */
export class JdbcSinkBuilder {
  private readonly o: Mutable = {};

  static create(): JdbcSinkBuilder {
    return new JdbcSinkBuilder();
  }

  /** Sets any option by its Flink name. */
  option<K extends keyof JdbcSinkOptions>(name: K, value: JdbcSinkOptions[K]): this {
    (this.o as Record<string, unknown>)[name] = value;
    return this;
  }

  url(v: string): this {
    return this.option('url', v);
  }
  tableName(v: string): this {
    return this.option('table-name', v);
  }
  username(v: string): this {
    return this.option('username', v);
  }
  password(v: string): this {
    return this.option('password', v);
  }
  /** The target's primary key: writes become upserts and deletes on it. */
  primaryKey(...columns: string[]): this {
    return this.option('primaryKey', columns);
  }
  /** The columns written (default: the first row's properties). */
  columns(...columns: string[]): this {
    return this.option('columns', columns);
  }
  bufferFlushMaxRows(v: number): this {
    return this.option('sink.buffer-flush.max-rows', v);
  }
  bufferFlushInterval(v: Duration): this {
    return this.option('sink.buffer-flush.interval', v);
  }
  name(v: string): this {
    return this.option('name', v);
  }

  build(): Sink<Row> {
    return jdbcSink(this.o as JdbcSinkOptions);
  }
}
