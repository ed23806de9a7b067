import { DEAD_LETTER_TAG, type DeadLetter } from '../core/source.js';
import type { Collector, ProcessFunction } from '../core/functions.js';
import { OutputTag } from '../core/functions.js';
import type { Schema } from '../core/schema.js';
import type { Sink } from '../core/sink.js';
import type { WatermarkStrategy } from '../core/watermark-strategy.js';
import type { Partitioner } from '../graph/partitioner.js';
import { operatorSpec, type OperatorSpec } from '../graph/operator-spec.js';
import type { StreamEdge, StreamNode } from '../graph/stream-graph.js';
import { print, type PrintOptions } from '../connectors/print/print-sink.js';
import { CollectSink } from '../connectors/memory/collect-sink.js';
import type { StreamEnvironment } from './stream-environment.js';
import type { KeyedStream } from './keyed-stream.js';
import type { ConnectedStreams } from './connected-streams.js';
import type { BroadcastConnectedStream, KeyedBroadcastConnectedStream } from './broadcast-connected-stream.js';
import { BroadcastStream } from './broadcast-stream.js';
import { JoinedStreams } from './joined-streams.js';
import { CoGroupedStreams } from './co-grouped-streams.js';
import type { MapStateDescriptor } from '../core/state.js';
import { streams } from './stream-factories.js';
import type { AllWindowedStream } from './all-windowed-stream.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { GlobalWindow, Window } from '../core/window/window.js';

/**
 * A stream of records of type `T`. Every transformation returns a new stream whose type follows
 * from the function: `.map((e) => e.price)` is a `DataStream<number>`.
 *
 * @example
 * env.fromElements({ item: 'a', price: 3 }).filter((e) => e.price > 2).map((e) => e.item).print();
 */
export class DataStream<T> {
  constructor(
    readonly env: StreamEnvironment,
    readonly node: StreamNode,
    /** Partitioner of the edge to the next operator. */
    protected readonly partitioner: Partitioner = { type: 'forward' },
    protected readonly sideOutput?: string,
  ) {}

  /** The edge a consumer of this stream reads. */
  edge(): StreamEdge {
    return { from: this.node.id, partitioner: this.partitioner, ...(this.sideOutput ? { sideOutput: this.sideOutput } : {}) };
  }

  /** Adds an operator reading this stream. */
  protected then<R>(spec: OperatorSpec, name: string, keyed = false): DataStream<R> {
    return new DataStream<R>(this.env, this.env.graph.addNode(spec, name, [[this.edge()]], keyed));
  }

  // ---- naming and parallelism of the operator that produces this stream ----

  /** Names the operator (shown in metrics, errors and the plan). */
  name(name: string): this {
    this.node.name = name;
    return this;
  }
  /** A stable id that maps this operator's state across job versions. */
  uid(uid: string): this {
    this.node.uid = uid;
    return this;
  }
  setParallelism(parallelism: number): this {
    this.node.parallelism = parallelism;
    return this;
  }
  setMaxParallelism(maxParallelism: number): this {
    this.node.maxParallelism = maxParallelism;
    return this;
  }
  /**
   * Declares the fields of this stream's records, for plans to print and planning to check where
   * streams meet (a union of streams with different schemas fails). Nothing is checked per record.
   *
   * @example
   * env.fromElements({ id: 1, name: 'a' }).withSchema(schemaOf({ id: 'BIGINT', name: 'STRING' }))
   */
  withSchema(schema: Schema): this {
    this.node.schema = schema;
    return this;
  }
  /**
   * Runs this operator as a task of its own, chained neither to its input nor to what reads it
   * (Flink's `disableChaining`).
   *
   * @example
   * env.fromElements(1, 2, 3).map((x) => x * 2).disableChaining().print();
   */
  disableChaining(): this {
    this.node.chaining = 'never';
    return this;
  }
  /**
   * Starts a new chain at this operator: it is not chained to its input, while what follows it on
   * forward edges still chains to it (Flink's `startNewChain`).
   *
   * @example
   * env.fromElements(1, 2, 3).filter((x) => x > 1).map((x) => x * 2).startNewChain().print();
   */
  startNewChain(): this {
    this.node.chaining = 'head';
    return this;
  }

  // ---- transformations ----

  map<R>(fn: (value: T) => R): DataStream<R> {
    return this.then(operatorSpec('map', { fn }), 'Map');
  }
  /** A type-guard predicate narrows the stream: `.filter((e) => e.type === 'bid')` is a `DataStream<Bid>`. */
  filter<S extends T>(fn: (value: T) => value is S): DataStream<S>;
  filter(fn: (value: T) => boolean): DataStream<T>;
  filter(fn: (value: T) => boolean): DataStream<T> {
    return this.then(operatorSpec('filter', { fn }), 'Filter');
  }
  /** Zero or more outputs per record: call `out.collect(x)` or return an iterable. */
  flatMap<R>(fn: (value: T, out: Collector<R>) => void | Iterable<R>): DataStream<R> {
    return this.then(operatorSpec('flatMap', { fn }), 'Flat Map');
  }
  /** Partitions by key: records with equal keys go to the same subtask and share keyed state. */
  keyBy<K>(key: (value: T) => K): KeyedStream<T, K> {
    return streams.keyed<T, K>(this.env, this.node, key, this.sideOutput);
  }
  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    return this.then(operatorSpec('process', { fn }), 'Process');
  }
  /**
   * An operator of any registered kind (`registerOperatorKind`): how SPI operators join a
   * DataStream job. The kind is checked when the job is submitted; the plan prints it as it is.
   *
   * @example
   * registerOperatorKind({ kind: 'scale', create: (p: { factor: number }) => new ScaleOperator(p.factor), describe: (p) => p });
   * stream.transform<number>('Scale by 2', 'scale', { factor: 2 });
   */
  transform<R>(name: string, kind: string, params: unknown): DataStream<R> {
    return this.then({ kind, params }, name);
  }
  /** Windows over the whole stream, at parallelism 1 (see docs/windows.md). */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return streams.allWindowed(this, assigner);
  }
  /** Windows of `size` records over the whole stream (sliding with `slide`). */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return streams.countAllWindowed(this, size, slide);
  }
  /** Event time and watermarks assigned in the middle of a pipeline. */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    return this.then(operatorSpec('timestampsAndWatermarks', { watermarks: strategy }), 'Timestamps/Watermarks');
  }
  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    const node = this.env.graph.addNode(operatorSpec('union', {}), 'Union', [[this.edge(), ...others.map((o) => o.edge())]]);
    return new DataStream<T>(this.env, node);
  }
  /**
   * Two streams processed by one function with shared state (CoMap, CoFlatMap, CoProcess), or, with
   * a `BroadcastStream`, the broadcast state pattern (`BroadcastProcessFunction`, keyed or not).
   */
  connect<U, K>(this: KeyedStream<T, K>, other: BroadcastStream<U>): KeyedBroadcastConnectedStream<T, U, K>;
  connect<U>(other: BroadcastStream<U>): BroadcastConnectedStream<T, U>;
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U>;
  connect<U>(other: DataStream<U> | BroadcastStream<U>): ConnectedStreams<T, U> | BroadcastConnectedStream<T, U> {
    if (other instanceof BroadcastStream) return streams.broadcastConnected<T, U>(this, other);
    return streams.connected<T, U>(this.env, this, other);
  }
  /**
   * Window join: pairs of records with equal keys in the same window.
   *
   * @example
   * a.join(b).where((x) => x.id).equalTo((y) => y.id).window(TumblingEventTimeWindows.of('1 min')).apply((x, y) => ({ x, y }))
   */
  join<U>(other: DataStream<U>): JoinedStreams<T, U> {
    return new JoinedStreams(this, other);
  }
  /** Window coGroup: per key and window, all records of both streams at once (outer joins, anti-joins). */
  coGroup<U>(other: DataStream<U>): CoGroupedStreams<T, U> {
    return new CoGroupedStreams(this, other);
  }
  /** Records sent to `tag` by a process function (or window late data) upstream. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.env, this.node, { type: 'forward' }, tag.id);
  }
  /** Records a source could not read, when its error policy is `dead-letter`. */
  getDeadLetters(): DataStream<DeadLetter> {
    return this.getSideOutput(new OutputTag<DeadLetter>(DEAD_LETTER_TAG));
  }

  // ---- partitioning of the next edge ----

  rebalance(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, { type: 'rebalance' }, this.sideOutput);
  }
  rescale(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, { type: 'rescale' }, this.sideOutput);
  }
  /**
   * Every record to every parallel instance of the next operator. With state descriptors, a
   * `BroadcastStream` for the broadcast state pattern: `other.connect(stream.broadcast(desc))`.
   */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: [MapStateDescriptor<any, any>, ...MapStateDescriptor<any, any>[]]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<any, any>[]): DataStream<T> | BroadcastStream<T> {
    const s = new DataStream<T>(this.env, this.node, { type: 'broadcast' }, this.sideOutput);
    return descriptors.length === 0 ? s : new BroadcastStream(s, descriptors);
  }
  global(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, { type: 'global' }, this.sideOutput);
  }
  forward(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, { type: 'forward' }, this.sideOutput);
  }
  partitionCustom<K>(partition: (key: K, numPartitions: number) => number, key: (value: T) => K): DataStream<T> {
    return new DataStream<T>(this.env, this.node, { type: 'custom', partition, key }, this.sideOutput);
  }

  // ---- sinks ----

  sinkTo(sink: Sink<T>): DataStream<never> {
    return this.then(operatorSpec('sink', { sink }), sink.name ?? 'Sink');
  }
  /** @example stream.print('out') */
  print(prefix?: string | PrintOptions): DataStream<never> {
    return this.sinkTo(print<T>(typeof prefix === 'string' ? { prefix } : prefix));
  }
  /** Runs the job (bounded input) and returns every record this stream carried. */
  async executeAndCollect(jobName = 'collect'): Promise<T[]> {
    const sink = new CollectSink<T>();
    this.sinkTo(sink);
    await this.env.execute(jobName);
    return sink.values;
  }
}
