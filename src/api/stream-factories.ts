import type { StreamEnvironment } from './stream-environment.js';
import type { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';
import type { ConnectedStreams } from './connected-streams.js';
import type { BroadcastConnectedStream } from './broadcast-connected-stream.js';
import type { BroadcastStream } from './broadcast-stream.js';
import type { StreamNode } from '../graph/stream-graph.js';
import type { WindowedStream } from './windowed-stream.js';
import type { AllWindowedStream } from './all-windowed-stream.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { GlobalWindow, Window } from '../core/window/window.js';

/**
 * The fluent API's classes refer to each other (a DataStream makes a KeyedStream, which is a
 * DataStream). To keep module imports acyclic, each class registers its constructor here when its
 * module loads, and the others reach it through this table.
 */
export const streams = {} as {
  keyed: <T, K>(env: StreamEnvironment, node: StreamNode, key: (v: T) => K, sideOutput?: string) => KeyedStream<T, K>;
  connected: <A, B>(env: StreamEnvironment, a: DataStream<A>, b: DataStream<B>) => ConnectedStreams<A, B>;
  broadcastConnected: <A, B>(a: DataStream<A>, b: BroadcastStream<B>) => BroadcastConnectedStream<A, B>;
  windowed: <T, K, W extends Window>(input: KeyedStream<T, K>, assigner: WindowAssigner<T, W>) => WindowedStream<T, K, W>;
  countWindowed: <T, K>(input: KeyedStream<T, K>, size: number, slide?: number) => WindowedStream<T, K, GlobalWindow>;
  allWindowed: <T, W extends Window>(input: DataStream<T>, assigner: WindowAssigner<T, W>) => AllWindowedStream<T, W>;
  countAllWindowed: <T>(input: DataStream<T>, size: number, slide?: number) => AllWindowedStream<T, GlobalWindow>;
};
