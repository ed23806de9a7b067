import type { Sink } from '../../core/sink.js';
import type { Source } from '../../core/source.js';
import type { Column } from '../expression-compiler.js';
import type { Row } from '../operators/calc-operator.js';

/** What a connector learns about the table it reads or writes. */
export interface TableContext {
  readonly table: string;
  /** Physical columns (computed columns are derived after the source). */
  readonly columns: readonly Column[];
  readonly options: ReadonlyMap<string, string>;
  /** PRIMARY KEY (...) NOT ENFORCED, if declared. */
  readonly primaryKey: readonly string[] | undefined;
  /** PARTITIONED BY (...) columns, empty when not partitioned. */
  readonly partitionKeys: readonly string[];
  /**
   * For a source of a PARTITIONED BY table: whether a partition (its values as text, NULL for the
   * default partition) may hold rows the query keeps, from the WHERE conjuncts over partition
   * columns only. The query still applies all of WHERE: this only spares reading partitions.
   */
  readonly partitionFilter?: (values: Readonly<Record<string, string | null>>) => boolean;
  /** Metadata columns among `columns`: column name -> the connector's metadata key. */
  readonly metadata: ReadonlyMap<string, string>;
  /** Fails naming the option and the table. */
  fail(message: string): never;
}

/**
 * A connector as SQL sees it: Flink's name, the options it reads, and a source and/or a sink.
 * Option keys may contain `#` for a column name (`fields.#.kind`).
 */
export interface TableConnector {
  readonly name: string;
  readonly options: readonly string[];
  /** The source's rows are a changelog (+I, -U, +U, -D), as a CDC source's: queries over the table are updating. */
  readonly changelogSource?: boolean;
  /** The sink writes a changelog as upserts and deletes on the table's PRIMARY KEY (jdbc). */
  readonly upsertOnPrimaryKey?: boolean;
  /** The connector takes PARTITIONED BY (filesystem); others reject it, as Flink's do. */
  readonly partitioned?: boolean;
  /** The metadata keys a source can fill (`METADATA FROM 'key'`); none when left out. */
  readonly metadata?: readonly string[];
  /**
   * A source of raw rows: objects keyed by column name whose values the planner converts to the
   * column types (`text`: strings as read from a file; `typed`: values already of the right type).
   */
  source?(ctx: TableContext): {
    readonly source: Source<Row, any>;
    readonly values: 'text' | 'typed';
    /** Turns a raw row into the table's typed row (with `values: 'typed'`), in the table's read step. */
    readonly convert?: (raw: Row) => Row;
  };
  /**
   * The sink looks at no value (blackhole): its rows keep the values' internal form, as Flink's
   * blackhole takes RowData, so no TIMESTAMP is formatted as text only to be dropped.
   */
  readonly discardsValues?: boolean;
  /**
   * The table as the right side of a lookup join (`JOIN t FOR SYSTEM_TIME AS OF o.proc_time`), as
   * Flink's LookupTableSource: raw rows keyed by `keys` (column names), values of the kind `values` says.
   */
  lookup?(ctx: TableContext, keys: readonly string[]): TableLookup;
  /**
   * Columns whose rows the sink wants on one subtask when it runs at parallelism > 1 (a filesystem
   * table's partitions, when they are committed); undefined: no shuffle.
   */
  sinkShuffle?(ctx: TableContext): readonly string[] | undefined;
  /** A sink of rows in their external form (TIMESTAMP as text), unless `discardsValues`. */
  sink?(ctx: TableContext): Sink<Row>;
}

/** Option `key` as a number, or `fallback`. */
export function numberOption(ctx: TableContext, key: string, fallback?: number): number | undefined {
  const v = ctx.options.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) ctx.fail(`option '${key}' must be a number, not '${v}'`);
  return n;
}

/**
 * How a lookup join reads a table. `whole`: the table is read at once and kept in memory (a
 * bounded side input such as a file); otherwise it is queried per batch of keys (a database).
 */
export interface TableLookup {
  readonly values: 'text' | 'typed';
  readonly whole: boolean;
  /** One client per subtask, opened on the subtask. */
  connect(): Promise<LookupClient>;
}

export interface LookupClient {
  /** The raw rows whose key columns equal one of `keys` (tuples in the order of the key columns); all rows when `whole`. */
  lookup(keys: readonly (readonly unknown[])[]): Promise<Row[]>;
  close(): Promise<void>;
}
