const DELETED = Symbol('deleted');

/**
 * A deep copy of a stored value, so no in-place change after a snapshot began (a list push, an
 * accumulator's `add`, a user object's field) can reach the frozen original. Arrays, plain objects,
 * Maps and Sets are copied all the way down; other objects keep their prototype with copied fields;
 * shared and cyclic references stay shared within the copy.
 */
function copyOf(v: unknown, seen = new Map<object, unknown>()): unknown {
  if (v === null || typeof v !== 'object') return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    seen.set(v, out);
    for (let i = 0; i < v.length; i++) out[i] = copyOf(v[i], seen);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(k, copyOf(x, seen));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(copyOf(x, seen));
    return out;
  }
  if (ArrayBuffer.isView(v) || v instanceof Date) return structuredClone(v);
  const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
  seen.set(v, out);
  for (const k of Object.keys(v)) out[k] = copyOf((v as Record<string, unknown>)[k], seen);
  return out;
}

/**
 * A Map that can be frozen for an asynchronous snapshot. While frozen, the entries as they were
 * stay untouched underneath (the snapshot reads them at its own pace) and every change goes to an
 * overlay; reading an object value deep-copies it into the overlay first, because state code and
 * user code change lists, maps and accumulators in place. `thaw()` folds the overlay back. Outside snapshots every method is the
 * plain Map method behind one branch.
 *
 * @example
 * const frozen = table.freeze();         // O(1), at the barrier
 * for (const [k, v] of frozen) write(k, v); // later, in slices, while processing goes on
 * table.thaw();
 */
export class CowMap<K, V> extends Map<K, V> {
  private overlay: Map<K, V | typeof DELETED> | undefined;
  private sizeDelta = 0;

  /** Freezes the current entries and returns an iterator over them. */
  freeze(): IterableIterator<[K, V]> {
    if (this.overlay) throw new Error('CowMap is already frozen');
    this.overlay = new Map();
    this.sizeDelta = 0;
    return super.entries();
  }

  get frozen(): boolean {
    return this.overlay !== undefined;
  }

  /** Applies the changes made while frozen. */
  thaw(): void {
    const o = this.overlay;
    if (!o) return;
    this.overlay = undefined;
    for (const [k, v] of o) {
      if (v === DELETED) super.delete(k);
      else super.set(k, v);
    }
  }

  override get(k: K): V | undefined {
    const o = this.overlay;
    if (o === undefined) return super.get(k);
    const ov = o.get(k);
    if (ov !== undefined) return ov === DELETED ? undefined : ov;
    if (o.has(k)) return undefined;
    const v = super.get(k);
    if (v === null || typeof v !== 'object') return v;
    const copy = copyOf(v) as V;
    o.set(k, copy);
    return copy;
  }

  override has(k: K): boolean {
    const o = this.overlay;
    if (o === undefined) return super.has(k);
    if (o.has(k)) return o.get(k) !== DELETED;
    return super.has(k);
  }

  override set(k: K, v: V): this {
    const o = this.overlay;
    if (o === undefined) return super.set(k, v);
    if (!this.has(k)) this.sizeDelta++;
    o.set(k, v);
    return this;
  }

  override delete(k: K): boolean {
    const o = this.overlay;
    if (o === undefined) return super.delete(k);
    if (!this.has(k)) return false;
    o.set(k, DELETED);
    this.sizeDelta--;
    return true;
  }

  override clear(): void {
    const o = this.overlay;
    if (o === undefined) return super.clear();
    for (const k of super.keys()) o.set(k, DELETED);
    for (const [k, v] of o) if (v !== DELETED && !super.has(k)) o.delete(k);
    this.sizeDelta = -super.size;
  }

  override get size(): number {
    return super.size + (this.overlay ? this.sizeDelta : 0);
  }

  override *entries(): MapIterator<[K, V]> {
    const o = this.overlay;
    if (o === undefined) {
      yield* super.entries();
      return;
    }
    for (const [k, v] of o) if (v !== DELETED) yield [k, v];
    for (const [k, v] of super.entries()) if (!o.has(k)) yield [k, v];
  }
  override *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  override *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  override forEach(fn: (v: V, k: K, m: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
