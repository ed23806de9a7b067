/** What the budget needs of a cache that draws on it. */
export interface BudgetedCache {
  /** Bytes this cache holds now, by its estimate. */
  readonly chargedBytes: number;
  /** Writes back and drops its oldest half. */
  evictHalf(): void;
}

/**
 * The managed memory of the disk backend (`state.backend.lmdb.memory.managed-size`), shared by the
 * caches of every state of every keyed subtask that one backend factory serves in a JavaScript
 * isolate, as Flink's managed memory is shared by the RocksDB instances of a slot. Caches charge
 * it per entry (an estimate); past the budget, the cache holding the most gives back half.
 *
 * @example
 * const budget = new CacheBudget(64 * 1024 * 1024);
 * budget.join(cache);
 * budget.charge(80);
 * budget.fit();
 */
export class CacheBudget {
  private readonly caches = new Set<BudgetedCache>();
  /** Bytes charged by all caches. */
  used = 0;

  constructor(readonly limitBytes: number) {}

  join(cache: BudgetedCache): void {
    this.caches.add(cache);
  }

  /** The cache no longer draws on the budget (its store closed): its charge goes with it. */
  leave(cache: BudgetedCache): void {
    if (this.caches.delete(cache)) this.used -= cache.chargedBytes;
  }

  charge(bytes: number): void {
    this.used += bytes;
  }

  /** Evicts from the largest caches until the budget holds. */
  fit(): void {
    while (this.used > this.limitBytes) {
      let largest: BudgetedCache | undefined;
      for (const c of this.caches) if (!largest || c.chargedBytes > largest.chargedBytes) largest = c;
      if (!largest || largest.chargedBytes <= 0) return;
      const before = this.used;
      largest.evictHalf();
      if (this.used >= before) return;
    }
  }
}
