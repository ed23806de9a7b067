/** A state's changed keys since a snapshot, or `ALL_CHANGED` once there were too many to track. */
export const ALL_CHANGED = 'all';
export type Changes = Set<unknown> | typeof ALL_CHANGED;

/** What the next incremental checkpoint writes: a new base, or the keys changed on top of `refs`. */
export interface IncrementPlan {
  readonly base: boolean;
  /** Files of the last confirmed checkpoint this one builds on (empty for a base). */
  readonly refs: readonly string[];
  /** Keys to write per state, when not a base. */
  readonly keys: Map<string, Set<unknown>>;
}

interface Chain {
  readonly files: string[];
  readonly sizes: number[];
}

/** Unconfirmed checkpoints kept before the next one is a base again (checkpoints that keep failing). */
const MAX_PENDING = 8;

/**
 * Which files an incremental checkpoint of one subtask references and which keys it writes, as
 * pure bookkeeping. A checkpoint builds on the last one the coordinator confirmed complete (an
 * aborted one may never have been stored), so it writes the keys changed since then: its own
 * changes and those of every checkpoint taken since that is not confirmed yet. The chain starts
 * over with a full base when there is none (first checkpoint, after a restore), when the
 * increments together outgrow their base, or past `maxIncrements` files.
 *
 * @example
 * const log = new IncrementLog(32);
 * const plan = log.begin(7, new Map([['count', new Set(['a'])]]));
 * log.written(7, 'ab12…', 4096);
 * log.complete(7);
 */
export class IncrementLog {
  private confirmed: Chain | undefined;
  private pending: { id: number; changes: Map<string, Changes>; chain: Chain }[] = [];

  constructor(private readonly maxIncrements = 32) {}

  begin(checkpointId: number, changes: Map<string, Changes>): IncrementPlan {
    const c = this.confirmed;
    let base = !c || c.files.length > this.maxIncrements || this.pending.length >= MAX_PENDING || incrementsOutgrowBase(c);
    const keys = new Map<string, Set<unknown>>();
    const merge = (m: Map<string, Changes>) => {
      for (const [name, ch] of m) {
        if (ch === ALL_CHANGED) base = true;
        if (base) return;
        let s = keys.get(name);
        if (!s) keys.set(name, (s = new Set()));
        for (const k of ch) s.add(k);
      }
    };
    for (const p of this.pending) merge(p.changes);
    merge(changes);
    const refs = base ? [] : c!.files;
    this.pending.push({ id: checkpointId, changes, chain: { files: [...refs], sizes: base ? [] : [...c!.sizes] } });
    return { base, refs, keys: base ? new Map() : keys };
  }

  /** Checkpoint `checkpointId` wrote its file. */
  written(checkpointId: number, name: string, bytes: number): void {
    const p = this.pending.find((x) => x.id === checkpointId);
    if (!p) return;
    p.chain.files.push(name);
    p.chain.sizes.push(bytes);
  }

  /** Checkpoint `checkpointId` is complete: the next one builds on its files. */
  complete(checkpointId: number): void {
    const p = this.pending.find((x) => x.id === checkpointId);
    if (!p || p.chain.files.length === 0) return;
    this.confirmed = p.chain;
    this.pending = this.pending.filter((x) => x.id > checkpointId);
  }

  /** Forgets every chain (after a restore): the next checkpoint is a base. */
  reset(): void {
    this.confirmed = undefined;
    this.pending = [];
  }

  /** Files the last confirmed checkpoint references (for tests). */
  get confirmedFiles(): readonly string[] {
    return this.confirmed?.files ?? [];
  }
}

function incrementsOutgrowBase(c: Chain): boolean {
  let increments = 0;
  for (let i = 1; i < c.sizes.length; i++) increments += c.sizes[i]!;
  return increments > c.sizes[0]!;
}
