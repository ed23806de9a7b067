import type { AsyncFunction, ResultFuture } from '../../core/async-function.js';
import type { LookupClient, TableLookup } from '../connectors/table-connector.js';
import type { LookupOptions } from '../lookup-options.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { LookupCache } from './lookup-cache.js';

/** What a lookup join (`JOIN dim FOR SYSTEM_TIME AS OF o.proc_time`) does per probe row, compiled once per query. */
export interface LookupJoinParams {
  readonly type: 'INNER' | 'LEFT';
  readonly table: string;
  readonly lookup: TableLookup;
  readonly options: LookupOptions;
  /** The probe row's key, in the order of the table's key columns; null when a part is NULL (it joins nothing). */
  readonly probeKey: (r: Row) => unknown[] | null;
  /** The same key of a table row. */
  readonly tableKey: (r: Row) => unknown[] | null;
  /** A raw row of the connector as the table's typed row (with computed columns). */
  readonly read: (raw: Row) => Row;
  readonly combine: (left: Row, right: Row) => Row;
  readonly nullRight: Row;
  readonly residual: ((joined: Row) => boolean) | undefined;
}

interface Waiting {
  readonly key: unknown[];
  readonly requests: { row: Row; rf: ResultFuture<Row> }[];
}

/**
 * A key tuple as a Map key: a single number or string as it is (a Map tells 5 from '5'), else a
 * JSON text; BIGINT values may be bigints, which JSON cannot write.
 */
export const keyText = (key: readonly unknown[]): unknown =>
  key.length === 1 && (typeof key[0] === 'number' || typeof key[0] === 'string')
    ? key[0]
    : JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/**
 * The lookup join's async function (run by the ordered async operator, which keeps the probe
 * rows' order and re-requests in-flight rows after a restore): each probe row's key is looked up
 * in the table as it is now. The keys of the rows handed over together (one input batch) go to the
 * database in one query; a partial cache answers repeated keys; a failed query is retried
 * `lookup.max-retries` times before the job fails. (A table read whole runs on
 * `sqlSideInputJoin` instead.)
 */
export class LookupJoinFunction implements AsyncFunction<Row, Row> {
  private client: LookupClient | undefined;
  private cache: LookupCache | undefined;
  private pending = new Map<unknown, Waiting>();
  constructor(private readonly p: LookupJoinParams) {}

  async open(): Promise<void> {
    this.pending = new Map();
    this.cache = this.p.options.cache ? new LookupCache(this.p.options.cache) : undefined;
    try {
      this.client = await this.p.lookup.connect();
    } catch (e) {
      throw new SqlError(`Lookup join on table '${this.p.table}': cannot connect: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  asyncInvoke(row: Row, rf: ResultFuture<Row>): void {
    const key = this.p.probeKey(row);
    if (key === null) return this.emit(row, [], rf);
    const text = keyText(key);
    const cached = this.cache?.get(text, Date.now());
    if (cached) return this.emit(row, cached, rf);
    const waiting = this.pending.get(text);
    if (waiting) return void waiting.requests.push({ row, rf });
    if (this.pending.size === 0) queueMicrotask(() => this.flush());
    this.pending.set(text, { key, requests: [{ row, rf }] });
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  /** One query for the keys gathered since the last one. */
  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.withRetries([...batch.values()].map((w) => w.key))
      .then((raw) => {
        const found = this.group(raw);
        const now = Date.now();
        for (const [text, w] of batch) {
          const rows = found.get(text) ?? [];
          this.cache?.put(text, rows, now);
          for (const r of w.requests) this.emit(r.row, rows, r.rf);
        }
      })
      // A failed query, or a row that cannot be read or joined: the requests not yet completed fail the job.
      .catch((e: unknown) => {
        for (const w of batch.values()) for (const r of w.requests) r.rf.completeExceptionally(e);
      });
  }

  private async withRetries(keys: unknown[][]): Promise<Row[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client!.lookup(keys);
      } catch (e) {
        if (attempt >= this.p.options.maxRetries)
          throw new SqlError(
            `Lookup join on table '${this.p.table}' failed after ${attempt + 1} attempt${attempt === 0 ? '' : 's'} ('lookup.max-retries' = ${this.p.options.maxRetries}): ${e instanceof Error ? e.message : String(e)}`,
          );
      }
    }
  }

  private group(raw: readonly Row[]): Map<unknown, Row[]> {
    return indexRows(this.p, raw);
  }

  private emit(row: Row, found: readonly Row[], rf: ResultFuture<Row>): void {
    rf.complete(joinFound(this.p, row, found));
  }
}

/** The table's raw rows, read as typed rows, by the text of their key (rows with a NULL key part left out: they match nothing). */
export function indexRows(p: LookupJoinParams, raw: readonly Row[]): Map<unknown, Row[]> {
  const out = new Map<unknown, Row[]>();
  for (const r of raw) {
    const row = p.read(r);
    const key = p.tableKey(row);
    if (key === null) continue;
    const text = keyText(key);
    const list = out.get(text);
    if (list) list.push(row);
    else out.set(text, [row]);
  }
  return out;
}

/** The output rows of a probe row and the table rows of its key: those that satisfy the residual, or the padded row (LEFT) if none does. */
export function joinFound(p: LookupJoinParams, row: Row, found: readonly Row[]): Row[] {
  const out: Row[] = [];
  for (const f of found) {
    const joined = p.combine(row, f);
    if (p.residual === undefined || p.residual(joined)) out.push(joined);
  }
  if (out.length === 0 && p.type === 'LEFT') out.push(p.combine(row, p.nullRight));
  return out;
}
