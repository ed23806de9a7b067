/**
 * The two functions a conformance suite needs from a test runner. Passing them in (vitest's, jest's
 * or `node:test`'s `describe` and `it` all fit) keeps `weir/testing` free of a dependency on any
 * runner; the suites assert with `node:assert`, whose failures every runner reports.
 *
 * @example
 * import { describe, it } from 'vitest';
 * describeSourceConformance('numbers', () => sequence(1, 100), { describe, it });
 */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

/** A record as text, to compare multisets of records whatever their order. */
export function recordKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

/** The records' keys, sorted: equal for two reads that yield the same records in any order. */
export function sortedKeys(values: readonly unknown[]): string[] {
  return values.map(recordKey).sort();
}
