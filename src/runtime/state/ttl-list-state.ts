import type { Clock } from '../../core/clock.js';
import type { ListState, StateTtlConfig } from '../../core/state.js';
import { NO_KEY, noKeyError, type CurrentKey } from './current-key.js';
import type { IncrementalCleanup } from './ttl-cleanup.js';
import type { Stamped } from './ttl.js';

type Table = Map<unknown, unknown>;

/**
 * List state with TTL per element, as Flink's: each element expires on its own, `ttl` after it was
 * added (or, with OnReadAndWrite, last read). Expired elements are dropped when the list is read
 * and left out of snapshots; with ReturnExpiredIfNotCleanedUp a read returns them that one last time.
 */
export class TtlListState<T> implements ListState<T> {
  constructor(
    private readonly table: Table,
    private readonly k: CurrentKey,
    private readonly ttl: StateTtlConfig,
    private readonly clock: Clock,
    private readonly name: string,
    private readonly cleanup: IncrementalCleanup | undefined,
  ) {}

  private stored(): Stamped<T>[] | undefined {
    const l = this.table.get(this.k.currentKeyId) as Stamped<T>[] | undefined;
    if (l === undefined && this.k.currentKeyId === NO_KEY) throw noKeyError(`State '${this.name}'`);
    return l;
  }
  get(): T[] {
    const l = this.stored();
    if (!l) return [];
    const now = this.clock.now();
    const { ttl, updateType, visibility } = this.ttl;
    const out: T[] = [];
    let live = 0;
    for (let i = 0; i < l.length; i++) {
      const e = l[i]!;
      if (now - e.t >= ttl) {
        if (visibility === 'ReturnExpiredIfNotCleanedUp') out.push(e.v);
        continue;
      }
      if (updateType === 'OnReadAndWrite') e.t = now;
      l[live++] = e;
      out.push(e.v);
    }
    if (live === 0) this.table.delete(this.k.currentKeyId);
    else l.length = live;
    return out;
  }
  add(value: T): void {
    const l = this.stored();
    const now = this.clock.now();
    const e = { v: value, t: now };
    if (l) l.push(e);
    else this.table.set(this.k.currentKeyId, [e]);
    this.cleanup?.step(now);
  }
  addAll(values: T[]): void {
    for (const v of values) this.add(v);
  }
  update(values: T[]): void {
    if (values.length === 0) return this.clear();
    if (this.k.currentKeyId === NO_KEY) throw noKeyError(`State '${this.name}'`);
    const t = this.clock.now();
    this.table.set(
      this.k.currentKeyId,
      values.map((v) => ({ v, t })),
    );
    this.cleanup?.step(t);
  }
  clear(): void {
    this.table.delete(this.k.currentKeyId);
  }
}
