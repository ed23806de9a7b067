/** Bits per key of each layer: with {@link PROBES} probes about 0.05% false positives per full layer. */
const BITS_PER_KEY = 16;
const PROBES = 8;
/** Keys of the first layer (8 KB: small states stay small); each next layer holds {@link GROWTH} times the last. */
const FIRST_LAYER_KEYS = 1 << 12;
/** Few layers (six up to 5M keys), each probed by a key not in the filter. */
const GROWTH = 4;

/** One Bloom filter of fixed size: a power of two of bits, so a probe is a mask. */
class Layer {
  readonly bits: Uint32Array;
  readonly mask: number;
  count = 0;

  constructor(readonly capacity: number) {
    const nbits = 2 ** Math.ceil(Math.log2(capacity * BITS_PER_KEY));
    this.bits = new Uint32Array(nbits >>> 5);
    this.mask = nbits - 1;
  }

  add(h1: number, h2: number): void {
    const { bits, mask } = this;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) | 0) {
      const bit = h & mask;
      bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    const { bits, mask } = this;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) | 0) {
      const bit = h & mask;
      if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * The keys a state ever wrote to its store, as a growing Bloom filter (layers of growing size, a key
 * goes into the newest): a key it has not seen is certainly not on disk, so reading it costs
 * a few hashes instead of a B-tree lookup. Half the events of a count over many distinct keys see
 * their key for the first time. Deletions stay in the filter: a false positive only costs the
 * lookup the filter would have saved.
 *
 * Hand-written rather than a package's: the keys are bytes in a reused buffer (see
 * `DiskKeyLayout.scratchKey`), hashed in place; the npm Bloom filters hash strings.
 *
 * @example
 * const f = new KeyFilter();
 * f.add(key, 0, key.length);
 * f.mightContain(key, 0, key.length); // true
 */
export class KeyFilter {
  private layers: Layer[] = [new Layer(FIRST_LAYER_KEYS)];
  private h1 = 0;
  private h2 = 0;

  /**
   * Remembers the key in `bytes[start, end)`. A key the filter may hold already is not added again:
   * states write the same keys back over and over, and each addition would fill the layers.
   */
  add(bytes: Uint8Array, start: number, end: number): void {
    if (this.mightContain(bytes, start, end)) return;
    let last = this.layers[this.layers.length - 1]!;
    if (last.count >= last.capacity) this.layers.push((last = new Layer(last.capacity * GROWTH)));
    last.add(this.h1, this.h2);
  }

  /** False when the key in `bytes[start, end)` was never added; true when it may have been. */
  mightContain(bytes: Uint8Array, start: number, end: number): boolean {
    this.hash(bytes, start, end);
    const { h1, h2, layers } = this;
    for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.has(h1, h2)) return true;
    return false;
  }

  /** Bytes of the filter's bit arrays (counted in the backend's memory). */
  get bytes(): number {
    let n = 0;
    for (const l of this.layers) n += l.bits.byteLength;
    return n;
  }

  /**
   * Two 32-bit hashes of the bytes (murmur3's multiply-rotate mixing, two seeds), for double
   * hashing: probe i is h1 + i * h2.
   */
  private hash(b: Uint8Array, start: number, end: number): void {
    let a = 0x9747b28c;
    let c = 0x5bd1e995;
    for (let i = start; i < end; i++) {
      a = Math.imul(a ^ b[i]!, 0xcc9e2d51);
      a = (a << 15) | (a >>> 17);
      c = Math.imul(c ^ b[i]!, 0x1b873593);
      c = (c << 13) | (c >>> 19);
    }
    a ^= end - start;
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    a ^= a >>> 16;
    c = Math.imul(c ^ (c >>> 16), 0x85ebca6b);
    c = Math.imul(c ^ (c >>> 13), 0xc2b2ae35);
    c ^= c >>> 16;
    this.h1 = a;
    // Odd, so the probes of a layer never repeat a bit before PROBES steps.
    this.h2 = c | 1;
  }
}
