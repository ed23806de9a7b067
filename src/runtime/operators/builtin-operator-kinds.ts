import type { OperatorFactory } from '../../core/operator-factory.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import type { BuiltinOperatorKind, BuiltinOperatorParams } from '../../graph/operator-spec.js';
import { registerOperatorKind } from '../../graph/operator-registry.js';
import { CoProcessOperator } from './co-process-operator.js';
import { FilterOperator } from './filter-operator.js';
import { FlatMapOperator } from './flat-map-operator.js';
import { MapOperator } from './map-operator.js';
import { PassThroughOperator } from './pass-through-operator.js';
import { SourceHeadOperator } from './source-head-operator.js';
import { ProcessOperator } from './process-operator.js';
import { ReduceOperator } from './reduce-operator.js';
import { AggregateOperator } from './aggregate-operator.js';
import { SinkOperator } from './sink-operator.js';
import { TimestampsAndWatermarksOperator } from './timestamps-and-watermarks-operator.js';
import { BroadcastProcessOperator } from './broadcast/broadcast-process-operator.js';
import { AsyncWaitOperator } from './async/async-wait-operator.js';
import { IntervalJoinOperator } from './join/interval-join-operator.js';
import { LocalWindowAggregateOperator } from '../window/local-window-aggregate-operator.js';
import { SlicedWindowOperator } from '../window/sliced-window-operator.js';
import { WindowOperator } from '../window/window-operator.js';

type Factories = { readonly [K in BuiltinOperatorKind]: Omit<OperatorFactory<BuiltinOperatorParams[K]>, 'kind'> };

const asInput = () => 'as-input' as const;
const insertOnly = () => 'insert-only' as const;

function windowParams(w: WindowOperatorSpec): Record<string, string | number | boolean> {
  return {
    assigner: w.assigner.toString(),
    function: w.fn.type,
    ...(w.trigger ? { trigger: String(w.trigger) } : {}),
    ...(w.evictor ? { evictor: String(w.evictor) } : {}),
    ...(w.allowedLateness > 0 ? { allowedLateness: w.allowedLateness } : {}),
    ...(w.lateDataTag !== undefined ? { lateDataTag: w.lateDataTag } : {}),
  };
}

/**
 * The operator kinds the DataStream API emits and planning picks, keyed by kind: the runtime's
 * one registration list. A kind's operator lives in the file named after it (`flatMap` in
 * `flat-map-operator.ts`, `slicedWindow` in `sliced-window-operator.ts`).
 */
const BUILTIN: Factories = {
  source: { create: () => new SourceHeadOperator(), outputChangelogMode: (p) => p.source.changelogMode ?? 'insert-only', outputSchema: (p) => p.source.schema },
  sink: { create: (p) => new SinkOperator(p.sink) as never, outputChangelogMode: asInput, outputSchema: asInput },
  map: { create: (p) => new MapOperator(p.fn), outputChangelogMode: asInput },
  filter: { create: (p) => new FilterOperator(p.fn), outputChangelogMode: asInput, outputSchema: asInput },
  flatMap: { create: (p) => new FlatMapOperator(p.fn), outputChangelogMode: asInput },
  timestampsAndWatermarks: { create: (p) => new TimestampsAndWatermarksOperator(p.watermarks), outputChangelogMode: asInput, outputSchema: asInput },
  process: { create: (p) => new ProcessOperator(p.fn) },
  keyedProcess: { create: (p) => new ProcessOperator(p.fn) },
  reduce: { create: (p) => new ReduceOperator(p.fn), inputChangelogMode: insertOnly },
  aggregate: {
    create: (p) => new AggregateOperator(p.fn, p.changelog === true),
    // A changelog in, a changelog of results out; over insertions, running results as a reduce.
    outputChangelogMode: asInput,
    inputChangelogMode: (p) => (p.fn.retract ? 'all' : 'insert-only'),
    describe: (p) => ({ retracts: p.fn.retract !== undefined }),
  },
  coProcess: { create: (p) => new CoProcessOperator(p.fn as never) },
  keyedCoProcess: { create: (p) => new CoProcessOperator(p.fn as never) },
  union: { create: () => new PassThroughOperator(), outputChangelogMode: asInput, outputSchema: asInput },
  broadcastProcess: {
    create: (p) => new BroadcastProcessOperator(p.fn as never, p.descriptors),
    describe: (p) => ({ broadcastState: p.descriptors.map((d) => d.name).join(', ') }),
  },
  keyedBroadcastProcess: {
    create: (p) => new BroadcastProcessOperator(p.fn as never, p.descriptors),
    describe: (p) => ({ broadcastState: p.descriptors.map((d) => d.name).join(', ') }),
  },
  asyncWait: {
    create: (p) => new AsyncWaitOperator(p.fn, p),
    describe: (p) => ({ ordered: p.ordered, timeoutMs: p.timeout, capacity: p.capacity, retry: p.retry !== undefined }),
  },
  intervalJoin: {
    create: (p) => new IntervalJoinOperator(p.fn, p),
    describe: (p) => ({
      lowerBound: `${p.lowerBound}ms${p.lowerBoundInclusive ? '' : ' (exclusive)'}`,
      upperBound: `${p.upperBound}ms${p.upperBoundInclusive ? '' : ' (exclusive)'}`,
    }),
  },
  window: {
    create(p) {
      if (p.preAggregated) throw new Error('A pre-aggregated window input needs the sliced window operator (kind slicedWindow)');
      return new WindowOperator(p.window);
    },
    describe: (p) => windowParams(p.window),
  },
  slicedWindow: {
    create: (p) => new SlicedWindowOperator(p.window, p.preAggregated === true),
    describe: (p) => ({ ...windowParams(p.window), ...(p.preAggregated ? { preAggregated: true } : {}) }),
  },
  localWindowAggregate: { create: (p) => new LocalWindowAggregateOperator(p.window, p.key), describe: (p) => windowParams(p.window) },
};

/** Registers the built-in kinds (idempotent: the same factory objects each time). */
export function registerBuiltinOperatorKinds(): void {
  for (const f of FACTORIES) registerOperatorKind(f);
}

const FACTORIES: readonly OperatorFactory[] = Object.entries(BUILTIN).map(([kind, f]) => ({ kind, ...f }) as OperatorFactory);
