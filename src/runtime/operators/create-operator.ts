import type { Operator } from '../../core/operator.js';
import type { OperatorSpec } from '../../graph/operator-spec.js';
import { CoProcessOperator } from './co-process-operator.js';
import { FilterOperator } from './filter-operator.js';
import { FlatMapOperator } from './flat-map-operator.js';
import { MapOperator } from './map-operator.js';
import { PassThroughOperator } from './pass-through-operator.js';
import { ProcessOperator } from './process-operator.js';
import { ReduceOperator } from './reduce-operator.js';
import { SinkOperator } from './sink-operator.js';
import { TimestampsAndWatermarksOperator } from './timestamps-watermarks-operator.js';
import { BroadcastProcessOperator } from './broadcast/broadcast-process-operator.js';
import { AsyncWaitOperator } from './async/async-wait-operator.js';
import { IntervalJoinOperator } from './join/interval-join-operator.js';
import { createWindowOperator } from '../window/create-window-operator.js';
import { LocalWindowAggregateOperator } from '../window/local-window-aggregate-operator.js';

/** The runtime's one registration list: graph operator kinds to implementations. */
export function createOperator(spec: OperatorSpec): Operator<unknown> {
  switch (spec.kind) {
    case 'source':
    case 'union':
      return new PassThroughOperator();
    case 'sink':
      return new SinkOperator(spec.sink) as Operator<unknown>;
    case 'map':
      return new MapOperator(spec.fn);
    case 'filter':
      return new FilterOperator(spec.fn);
    case 'flatMap':
      return new FlatMapOperator(spec.fn);
    case 'timestampsAndWatermarks':
      return new TimestampsAndWatermarksOperator(spec.watermarks);
    case 'process':
    case 'keyedProcess':
      return new ProcessOperator(spec.fn);
    case 'reduce':
      return new ReduceOperator(spec.fn);
    case 'coProcess':
    case 'keyedCoProcess':
      return new CoProcessOperator(spec.fn as never);
    case 'broadcastProcess':
    case 'keyedBroadcastProcess':
      return new BroadcastProcessOperator(spec.fn as never, spec.descriptors);
    case 'asyncWait':
      return new AsyncWaitOperator(spec.fn, spec);
    case 'intervalJoin':
      return new IntervalJoinOperator(spec.fn, spec);
    case 'window':
      return createWindowOperator(spec.window, spec.preAggregated === true);
    case 'localWindowAggregate':
      return new LocalWindowAggregateOperator(spec.window, spec.key);
    case 'custom':
      return spec.create();
  }
}
