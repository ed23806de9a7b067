import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';

/**
 * How aligned windows cut event time: windows of `size` every `slide` from `offset`, built from
 * slices of `gcd(size, slide)` so that every window is a whole number of slices.
 */
export interface SliceGrid {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  readonly slice: number;
  /** Where window ends lie: the slide grid shifted by the size. */
  readonly endOffset: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The grid of a window spec whose assigner is aligned (tumbling or sliding). */
export function sliceGrid(spec: WindowOperatorSpec): SliceGrid {
  const a = spec.assigner.alignment!;
  return { size: a.size, slide: a.slide, offset: a.offset, slice: gcd(a.size, a.slide), endOffset: (a.offset + a.size) % a.slide };
}

/** The start of the period of length `size` (from `offset`) that holds `t`. */
export function periodStart(t: number, size: number, offset: number): number {
  const r = (t - offset) % size;
  return r < 0 ? t - (r + size) : t - r;
}
