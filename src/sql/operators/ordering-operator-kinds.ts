import type { OperatorFactory } from '../../core/operator-factory.js';
import { batchSortKind } from './batch-sort-operator.js';
import { deduplicateKind } from './deduplicate-operator.js';
import { limitKind } from './limit-operator.js';
import { overAggregateKind } from './over-aggregate-operator.js';
import { rankKind } from './rank-operator.js';
import { retractOverAggregateKind } from './retract-over-aggregate-operator.js';
import { retractRankKind } from './retract-rank-operator.js';
import { temporalSortKind } from './temporal-sort-operator.js';

/** The operator kinds of OVER, Top-N, deduplication, ORDER BY and LIMIT, registered by the SQL layer. */
export const orderingOperatorKinds: readonly OperatorFactory[] = [
  overAggregateKind,
  rankKind,
  deduplicateKind,
  temporalSortKind,
  limitKind,
  batchSortKind,
  retractRankKind,
  retractOverAggregateKind,
];
