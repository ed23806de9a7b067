import type { Database } from 'lmdb';
import { DiskKeyLayout } from './disk-key.js';
import { packValue, unpackValue, valueCodec } from './value-codec.js';
import { ALL_CHANGED, type Changes } from './increment-log.js';
import { inStoreOrder } from './store-order.js';
import { CacheBudget, type BudgetedCache } from './cache-budget.js';
import { KeyFilter } from './key-filter.js';

/** A cached deletion, written to disk at the next write-back. */
const DELETED = Symbol('deleted');

/**
 * A cached value changed since it was last written to disk. The mark lives in the cache entry
 * itself, so marking a changed entry again is a field write, not an insertion into a second hash
 * table (the Set of dirty keys this replaced: +20% events per CPU second on a count per key whose
 * keys all fit in the cache).
 */
class Dirty {
  constructor(public v: unknown) {}
}

/**
 * Heap bytes of a cache entry beyond its key and value: the Map's entry and bucket share with its
 * slack, and a {@link Dirty} wrapper (measured: 45 bytes an entry for integer keys, half of them
 * dirty, in a Map of 1M entries).
 */
const ENTRY_OVERHEAD = 56;
/**
 * Heap bytes per serialized byte of a key or value: deserialized objects take more room than their
 * MessagePack (object headers, 8-byte fields); an estimate on the safe side for strings.
 */
const HEAP_PER_PACKED_BYTE = 2;
/** Serialized bytes of a key and value assumed until the first are measured. */
const FIRST_GUESS = 32;
/** Sizes measured before older ones weigh half: the estimate follows the state as it changes. */
const SAMPLE_WINDOW = 1 << 16;

/**
 * One state's table on disk behind a bounded cache, with the `Map` interface the heap states use,
 * so every state kind, TTL included, runs the same code on both backends. The Map itself is the
 * cache: entries read or written stay deserialized in it, changed ones are marked dirty and written
 * back in one transaction per batch: when the cache grows past its bound (the oldest loaded
 * half is evicted), or when the backend flushes before a snapshot.
 *
 * Object values read are counted as changed: the heap states (and user code) change lists, maps and
 * accumulators in place. `size`, iteration and `keys` read the disk after a flush (not for hot paths).
 *
 * @example
 * const t = new DiskTable(db, new DiskKeyLayout('count', 128), 100_000, 128);
 * t.set('ann', 1);
 * t.flush();
 */
export class DiskTable extends Map<unknown, unknown> implements BudgetedCache {
  /** Cached entries marked {@link Dirty} or {@link DELETED}: a flush with none has nothing to scan. */
  private dirtyCount = 0;
  /**
   * Keys that became changed since the last flush (some since evicted or listed twice), so a flush
   * visits those and not the whole cache: with managed memory a cache can hold millions of entries,
   * and walking 5M of them at a checkpoint barrier took 0.5-1 s. An array, not a Set: a push is
   * cheap where the Set's insertion cost 20% of a count per key.
   */
  private changedKeys: unknown[] = [];
  /** Keys written to disk since {@link takeChanges}, when tracked (incremental checkpoints). */
  private changes: Changes | undefined;
  private changeLimit = 0;
  /** Every key this table wrote to its store: a key not in it is read without a lookup. */
  private readonly written = new KeyFilter();
  /** Serialized bytes of keys and values measured (at loads and write-backs), and how many. */
  private sampled = FIRST_GUESS;
  private samples = 1;
  /** Estimated heap bytes of one cache entry, from the sizes measured. */
  private perEntry = ENTRY_OVERHEAD + HEAP_PER_PACKED_BYTE * FIRST_GUESS;
  /** Reads of keys not cached that went to the store (the key filter let them through; for tests). */
  lookups = 0;
  /** What this cache has charged the budget: its entries by the estimate, and its key filter. */
  chargedBytes = 0;

  constructor(
    private readonly db: Database<Buffer, Buffer>,
    readonly layout: DiskKeyLayout,
    /** Most entries kept deserialized, on top of the budget (`memory.cache-entries`). */
    private readonly cacheEntries: number,
    private readonly maxParallelism: number,
    /** The managed memory this cache draws on (shared with the other states' caches). */
    private readonly budget: CacheBudget = new CacheBudget(Number.MAX_SAFE_INTEGER),
  ) {
    super();
    this.learnStoredKeys();
    budget.join(this);
    this.recharge();
  }

  /**
   * Adds the keys this state already has in the store to the key filter. A backend's store starts
   * empty (state comes back from checkpoints through writes, which fill the filter), so this only
   * reads something when a table is opened over a store that was written before.
   */
  private learnStoredKeys(): void {
    if (((this.db.getStats() as { entryCount?: number }).entryCount ?? 0) === 0) return;
    const start = this.layout.keyStart;
    for (let g = 0; g < this.maxParallelism; g++)
      for (const key of this.db.getKeys(this.layout.range(g))) this.written.add(key as Uint8Array, start, (key as Uint8Array).length);
  }

  override get(k: unknown): unknown {
    const v = super.get(k);
    if (v instanceof Dirty) return v.v;
    if (v === undefined) return this.load(k);
    if (v === DELETED) return undefined;
    if (typeof v === 'object' && v !== null) this.mark(k, v);
    return v;
  }

  /** Reads `k` from disk into the cache. */
  private load(k: unknown): unknown {
    const key = this.layout.scratchKey(k);
    const keyStart = this.layout.keyStart;
    if (!this.written.mightContain(key, keyStart, key.length)) return undefined;
    this.lookups++;
    const bytes = this.db.getBinaryFast(key);
    if (bytes === undefined) return undefined;
    this.sample(key.length - keyStart + bytes.length);
    const v = unpackValue(bytes);
    if (typeof v === 'object' && v !== null) this.mark(k, v);
    else super.set(k, v);
    this.added();
    return v;
  }

  private mark(k: unknown, v: unknown): void {
    super.set(k, new Dirty(v));
    this.changed(k);
  }

  override has(k: unknown): boolean {
    return this.get(k) !== undefined;
  }

  override set(k: unknown, v: unknown): this {
    const cur = super.get(k);
    if (cur instanceof Dirty) cur.v = v;
    else {
      super.set(k, new Dirty(v));
      if (cur !== DELETED) this.changed(k);
      if (cur === undefined) this.added();
    }
    return this;
  }

  /** Deletes without reading the disk first: returns whether the key was cached with a value. */
  override delete(k: unknown): boolean {
    const was = super.get(k);
    if (was === DELETED) return false;
    super.set(k, DELETED);
    if (!(was instanceof Dirty)) this.changed(k);
    if (was === undefined) this.added();
    return was !== undefined;
  }

  override clear(): void {
    for (const [k] of this.entries()) this.delete(k);
  }

  /** Number of keys with a value (reads the disk). */
  override get size(): number {
    this.flush();
    let n = 0;
    for (let g = 0; g < this.maxParallelism; g++) n += this.db.getKeysCount(this.layout.range(g));
    return n;
  }

  /**
   * Every entry, read one key group at a time after a flush. It is a live iterator, as a Map's:
   * each value is read when it is reached, so the incremental TTL cleanup, which keeps an iterator
   * across writes, never acts on a value that changed since its key group was listed.
   */
  override *entries(): MapIterator<[unknown, unknown]> {
    this.flush();
    for (let g = 0; g < this.maxParallelism; g++) {
      const keys: unknown[] = [];
      for (const key of this.db.getKeys(this.layout.range(g))) keys.push(decodeKeyOf(key));
      for (const k of keys) {
        const v = this.peek(k);
        if (v !== undefined) yield [k, v];
      }
    }
  }

  /** The value of `k` without loading it into the cache. */
  private peek(k: unknown): unknown {
    const v = super.get(k);
    if (v instanceof Dirty) return v.v;
    if (v === DELETED) return undefined;
    if (v !== undefined) return v;
    const key = this.layout.scratchKey(k);
    if (!this.written.mightContain(key, this.layout.keyStart, key.length)) return undefined;
    const bytes = this.db.getBinaryFast(key);
    return bytes === undefined ? undefined : unpackValue(bytes);
  }
  override *keys(): MapIterator<unknown> {
    for (const [k] of this.entries()) yield k;
  }
  override *values(): MapIterator<unknown> {
    for (const [, v] of this.entries()) yield v;
  }
  override [Symbol.iterator](): MapIterator<[unknown, unknown]> {
    return this.entries();
  }
  override forEach(fn: (v: unknown, k: unknown, m: Map<unknown, unknown>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /** Writes every changed entry to disk, in one transaction. */
  flush(): void {
    if (this.dirtyCount === 0) {
      this.changedKeys = [];
      return;
    }
    const changed: unknown[] = [];
    for (const k of this.changedKeys) {
      const v = super.get(k);
      if (v instanceof Dirty || v === DELETED) changed.push(k);
    }
    this.writeBack(changed);
    for (const k of changed) {
      const v = super.get(k);
      if (v === DELETED) super.delete(k);
      else if (v instanceof Dirty) super.set(k, v.v);
    }
    this.dirtyCount = 0;
    this.changedKeys = [];
    this.recharge();
  }

  /** `k` became changed: counted, and listed for the next flush. */
  private changed(k: unknown): void {
    this.dirtyCount++;
    this.changedKeys.push(k);
    // Evicted and reloaded keys are listed again: past twice the cache, list the changed ones anew.
    if (this.changedKeys.length > 2 * super.size + 1024) {
      const keys: unknown[] = [];
      for (const [key, v] of super.entries()) if (v instanceof Dirty || v === DELETED) keys.push(key);
      this.changedKeys = keys;
    }
  }

  /**
   * Tracks the keys written to disk from now on, for incremental checkpoints; past `limit` keys it
   * only remembers that there were too many (the next checkpoint is then a full one).
   */
  trackChanges(limit: number): void {
    this.changes = new Set();
    this.changeLimit = limit;
  }

  /** The keys written to disk since the last call (flush first), and starts a new set. */
  takeChanges(): Changes {
    const c = this.changes ?? ALL_CHANGED;
    if (this.changes !== undefined) this.changes = new Set();
    return c;
  }

  /** Entries kept deserialized (for metrics and tests). */
  get cachedEntries(): number {
    return super.size;
  }

  /** Estimated heap bytes of the entries kept deserialized (for metrics and tests). */
  get cachedBytes(): number {
    return this.chargedBytes;
  }

  /** Writes the cached value of each key (or its deletion), in one transaction. */
  private writeBack(keys: readonly unknown[]): void {
    const changes = this.changes;
    const keyStart = this.layout.keyStart;
    // In about the store's key order: -20% CPU time per key written back over 1M random keys.
    const ordered = inStoreOrder(keys, this.layout);
    this.db.transactionSync(() => {
      for (const k of ordered) {
        const raw = super.get(k);
        const v = raw instanceof Dirty ? raw.v : raw;
        const key = this.layout.scratchKey(k);
        if (v === DELETED) this.db.removeSync(key);
        else {
          const bytes = packValue(v);
          this.written.add(key, keyStart, key.length);
          this.sample(key.length - keyStart + bytes.length);
          this.db.putSync(key, bytes);
        }
        if (changes !== undefined && changes !== ALL_CHANGED) changes.add(k);
      }
    });
    if (changes !== undefined && changes !== ALL_CHANGED && changes.size > this.changeLimit) this.changes = ALL_CHANGED;
  }

  /** Adds a key and value of `bytes` serialized bytes to the estimate of an entry's size. */
  private sample(bytes: number): void {
    this.sampled += bytes;
    if (++this.samples === SAMPLE_WINDOW) {
      this.sampled /= 2;
      this.samples /= 2;
    }
  }

  /** Charges the budget for the entries cached now (at the latest estimate) and the key filter. */
  private recharge(): void {
    this.perEntry = ENTRY_OVERHEAD + (HEAP_PER_PACKED_BYTE * this.sampled) / this.samples;
    const c = super.size * this.perEntry + this.written.bytes;
    this.budget.charge(c - this.chargedBytes);
    this.chargedBytes = c;
  }

  /** A new entry is cached: charged, and the cache or another one evicts if over a bound. */
  private added(): void {
    this.chargedBytes += this.perEntry;
    this.budget.charge(this.perEntry);
    if (super.size > this.cacheEntries) this.evictHalf();
    else if (this.budget.used > this.budget.limitBytes) this.budget.fit();
  }

  /** The store closes: this cache no longer draws on the budget. */
  close(): void {
    this.budget.leave(this);
  }

  /**
   * Evicts the oldest loaded half of the cache, writing back what changed; the newest entry
   * always stays (a value just read may be changed in place next).
   * Half, not a tenth: a write transaction copies each page of the store it changes, so the more
   * entries one writes back, the more of them share a page (+20% events per CPU second on a count
   * per key over 1M keys, cache of 100000).
   */
  evictHalf(): void {
    const evict = Math.min(Math.ceil(super.size / 2), super.size - 1);
    if (evict <= 0) return;
    const keys: unknown[] = [];
    const changed: unknown[] = [];
    for (const [k, v] of super.entries()) {
      keys.push(k);
      if (v instanceof Dirty || v === DELETED) changed.push(k);
      if (keys.length === evict) break;
    }
    this.writeBack(changed);
    this.dirtyCount -= changed.length;
    for (const k of keys) super.delete(k);
    this.recharge();
  }
}

function decodeKeyOf(bytes: Uint8Array): unknown {
  const b = bytes as Buffer;
  return valueCodec.unpack(b.subarray(4 + b.readUInt16BE(2)));
}
