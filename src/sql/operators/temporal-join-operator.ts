import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { mapState, valueState, type MapState, type ValueState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/** Parameters of a `sqlTemporalJoin` node: an event-time temporal join, compiled once per query. */
export interface TemporalJoinParams {
  readonly type: 'INNER' | 'LEFT';
  readonly combine: (left: Row, right: Row) => Row;
  readonly nullRight: Row;
  readonly residual: ((joined: Row) => boolean) | undefined;
  /** The probe row's `FOR SYSTEM_TIME AS OF` time, in milliseconds (null: the row joins nothing). */
  readonly leftTime: (r: Row) => unknown;
  /** Since when a row of the versioned table is valid: its event-time attribute. */
  readonly rightTime: (r: Row) => unknown;
  readonly text: { readonly type: string; readonly on: string };
}

/** One version of a key of the versioned table: valid from `ts` until the next; `row` null: deleted at `ts`. */
interface Version {
  readonly ts: number;
  readonly row: Row | null;
}

const TIMER = 'temporal-join';

/**
 * SQL's event-time temporal join (`JOIN rates FOR SYSTEM_TIME AS OF o.ts`), as Flink's
 * TemporalRowTimeJoinOperator: the versioned table's rows (a changelog on its primary key) are kept
 * per join key as versions ordered by their event time; a probe row waits in keyed state until the
 * watermark passes its time and then joins the version valid at that time, the latest one not
 * after it. So a change of the versioned table that arrives out of order, but before the watermark
 * passes it, still counts. Versions older than the one valid at the watermark are dropped. A probe
 * row at or behind the watermark joins what is known at once. LEFT pads a probe row without a
 * valid version (none yet, or deleted) with NULLs. The output is insert-only.
 */
export class TemporalJoinOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private probes!: MapState<number, Row[]>;
  private versions!: ValueState<Version[]>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: TemporalJoinParams) {}

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a temporal join needs both inputs keyed by the join key`);
    this.ctx = ctx;
    this.probes = ctx.keyed.state.getMapState(mapState<number, Row[]>('temporal-join-probe'));
    this.versions = ctx.keyed.state.getState(valueState<Version[]>('temporal-join-versions'));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, kinds } = batch;
    const keyed = this.ctx.keyed!;
    const watermark = this.ctx.currentWatermark();
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const kind = kinds === undefined ? RowKind.INSERT : kinds[i]!;
        if (input === 0) {
          if (kind !== RowKind.INSERT) throw new Error('the probe side of a temporal join must be insert-only, but it sent an update or delete');
          const ts = this.params.leftTime(row);
          if (keys![i] === null || ts === null) {
            if (this.params.type === 'LEFT') this.builder.add(this.params.combine(row, this.params.nullRight), batch.timestamps[i]!);
            continue;
          }
          keyed.setCurrentKey(keys![i]);
          if ((ts as number) <= watermark) {
            this.probe(row, ts as number, this.versions.value() ?? []);
            continue;
          }
          const waiting = this.probes.get(ts as number);
          if (waiting) waiting.push(row);
          this.probes.put(ts as number, waiting ?? [row]);
          keyed.timers.registerEventTimeTimer(TIMER, ts as number);
          continue;
        }
        // -U is followed by the +U that replaces it; a NULL key or time never matches a probe row.
        if (kind === RowKind.UPDATE_BEFORE || keys![i] === null) continue;
        const ts = this.params.rightTime(row);
        if (ts === null) throw new Error('a row of the versioned table has a NULL time attribute');
        keyed.setCurrentKey(keys![i]);
        this.addVersion({ ts: ts as number, row: kind === RowKind.DELETE ? null : row });
        // Cleanup once the watermark passes it (a late change is cleaned at the next watermark).
        keyed.timers.registerEventTimeTimer(TIMER, Math.max(ts as number, watermark + 1));
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    this.flush();
  }

  onEventTime(_namespace: string | number, timestamp: number): void {
    const versions = this.versions.value() ?? [];
    const due = [...this.probes.keys()].filter((ts) => ts <= timestamp).sort((a, b) => a - b);
    for (const ts of due) {
      for (const row of this.probes.get(ts)!) this.probe(row, ts, versions);
      this.probes.remove(ts);
    }
    // Probe rows still to come are after the watermark: the version valid at it is the oldest they can need.
    const valid = lastAtOrBefore(versions, timestamp);
    const kept = valid < 0 ? versions : versions.slice(versions[valid]!.row === null ? valid + 1 : valid);
    if (kept.length === 0) this.versions.clear();
    else if (kept.length !== versions.length) this.versions.update(kept);
    this.flush();
  }

  /** Emits `row` joined with the version valid at `ts`, or padded (LEFT) when there is none. */
  private probe(row: Row, ts: number, versions: readonly Version[]): void {
    const at = lastAtOrBefore(versions, ts);
    const version = at < 0 ? null : versions[at]!.row;
    if (version !== null) {
      const joined = this.params.combine(row, version);
      if (this.params.residual === undefined || this.params.residual(joined)) {
        this.builder.add(joined, ts);
        return;
      }
    }
    if (this.params.type === 'LEFT') this.builder.add(this.params.combine(row, this.params.nullRight), ts);
  }

  /** Inserts `v` in time order; a second change at the same time replaces the first, as the later word. */
  private addVersion(v: Version): void {
    const versions = this.versions.value() ?? [];
    const at = lastAtOrBefore(versions, v.ts);
    if (at >= 0 && versions[at]!.ts === v.ts) versions[at] = v;
    else versions.splice(at + 1, 0, v);
    this.versions.update(versions);
  }

  private flush(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The index of the last version with `ts` not after `t` (-1: none), by binary search. */
function lastAtOrBefore(versions: readonly Version[], t: number): number {
  let lo = 0;
  let hi = versions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (versions[mid]!.ts <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The `sqlTemporalJoin` operator kind, registered by the SQL layer: keyed, two inputs, insert-only output. */
export const temporalJoinKind: OperatorFactory<TemporalJoinParams> = {
  kind: 'sqlTemporalJoin',
  create: (params) => new TemporalJoinOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ joinType: text.type, on: text.on }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'all',
};
