import type { DataStream } from '../src/index.js';
import type { NexmarkEvent, NexmarkGenerator } from '../src/connectors/nexmark/index.js';
import { q0 } from './queries/q0-pass-through.js';
import { q1 } from './queries/q1-currency-conversion.js';
import { q2 } from './queries/q2-selection.js';
import { q5 } from './queries/q5-hot-items.js';
import { q7 } from './queries/q7-highest-bid.js';
import { q0Baseline } from './baselines/q0-baseline.js';
import { q1Baseline } from './baselines/q1-baseline.js';
import { q2Baseline } from './baselines/q2-baseline.js';
import { q5Baseline } from './baselines/q5-baseline.js';
import { q7Baseline } from './baselines/q7-baseline.js';

/**
 * One benchmark query: the Weir job and the hand-written loop that computes the same output. Both
 * read the events of one generator configuration; the loop returns how many records it produced
 * and collects them when given an array (the end-to-end test compares the two).
 */
export interface BenchQuery {
  readonly name: string;
  readonly title: string;
  // DataStream is invariant in its type, so the registry erases it.
  weir(events: DataStream<NexmarkEvent>): DataStream<any>;
  baseline(gen: NexmarkGenerator, events: number, out?: unknown[]): number;
}

/** Every query the harness knows, by name (the one registration list). */
export const QUERIES: Record<string, BenchQuery> = {
  q0: { name: 'q0', title: 'pass-through', weir: q0, baseline: q0Baseline as BenchQuery['baseline'] },
  q1: { name: 'q1', title: 'currency conversion', weir: q1, baseline: q1Baseline as BenchQuery['baseline'] },
  q2: { name: 'q2', title: 'selection', weir: q2, baseline: q2Baseline as BenchQuery['baseline'] },
  q5: { name: 'q5', title: 'hot items', weir: q5, baseline: q5Baseline as BenchQuery['baseline'] },
  q7: { name: 'q7', title: 'highest bid', weir: q7, baseline: q7Baseline as BenchQuery['baseline'] },
};
