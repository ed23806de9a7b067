/**
 * Random values for one generated row. The state is derived only from the source seed and the row
 * index, so the same row comes out whichever reader generates it, at any parallelism and after a
 * restore. The generator gets one instance per reader, reseeded before each row: use it only
 * inside the `generator` call.
 *
 * @example
 * datagen({ seed: 7, generator: (i, random) => ({ id: i, price: random.int(1, 100), side: random.pick(['buy', 'sell']) }) })
 */
export class RowRandom {
  private state = 0;

  /** Derives the state of row `index` under `seed`. Called by the source before each row. */
  reset(seed: number, index: number): void {
    // Indexes may pass 2^32, so both halves take part in the hash.
    const lo = index >>> 0;
    const hi = Math.floor(index / 0x1_0000_0000) >>> 0;
    this.state = mix(mix(seed ^ 0x5bd1e995) ^ mix(lo) ^ mix(hi + 0x27d4eb2f));
  }

  /** A float in [0, 1). */
  next(): number {
    // A Weyl sequence through a 32-bit finalizer: cheap, and well spread for adjacent states.
    this.state = (this.state + 0x9e3779b9) | 0;
    return (mix(this.state) >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** `true` with the given probability. */
  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A string of `length` characters from `alphabet` (default: lowercase letters and digits). */
  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}
