function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h | 0;
}

/** 2^30: a 30-bit draw over it is uniform in [0, 1). */
export const TWO_30 = 1073741824;

/**
 * The random choices of one event. `reset(seed, index)` derives the stream from the seed and the
 * event index alone, which is what makes every event a pure function of (seed, index) and lets
 * parallel readers generate disjoint parts of one sequence without coordination. One instance per
 * generator, reset per event: no allocation on the hot path.
 */
export class EventRandom {
  // State in a typed array and 30-bit results: both stay unboxed in V8, where an int32 field or a
  // uint32 return value would allocate a heap number per draw.
  private readonly s = new Int32Array(1);

  reset(seed: number, index: number): void {
    const hi = (index / 4294967296) | 0;
    this.s[0] = mix32((index | 0) ^ Math.imul(hi, 0x9e3779b9) ^ Math.imul(seed, 0x85ebca6b));
  }

  /** 30 random bits (mulberry32, top bits). */
  nextU30(): number {
    const s = this.s;
    let t = (s[0] = (s[0]! + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 2;
  }

  /** Uniform integer in [0, n), for n up to 2^30. */
  nextInt(n: number): number {
    return Math.floor((this.nextU30() * n) / TWO_30);
  }

  /** Uniform in [0, 1). */
  nextDouble(): number {
    return this.nextU30() / TWO_30;
  }
}
