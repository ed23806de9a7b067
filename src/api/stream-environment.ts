import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { SystemClock, type Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { jobLogger, LOG_LEVEL_KEY, parseLogLevel } from '../core/logger.js';
import { DEFAULT_MAX_PARALLELISM } from '../core/key-group.js';
import type { Source } from '../core/source.js';
import type { WatermarkStrategy } from '../core/watermark-strategy.js';
import { toMillis, type Duration } from '../core/duration.js';
import type { AggPhaseStrategy, ExecutionConfig, JobClient, JobExecutor, JobResult } from '../graph/job-executor.js';
import { StreamGraph } from '../graph/stream-graph.js';
import { checkConfigKeys } from '../graph/config-keys.js';
import { parseRestOptions } from '../graph/rest-options.js';
import { logJobEvent } from '../graph/job-event-log.js';
import { parseCheckpointing, parseRestartStrategy, type RestartStrategyOptions, type RestoreOptions } from '../graph/execution-options.js';
import { changelogSource, type ChangelogRow } from '../connectors/memory/changelog-source.js';
import { arraySource } from '../connectors/memory/array-source.js';
import { asyncIterableSource, type AsyncInput } from '../connectors/memory/async-iterable-source.js';
import { sequence } from '../connectors/datagen/sequence-source.js';
import { fileSource } from '../connectors/filesystem/file-source.js';
import { socketTextSource } from '../connectors/socket/socket-text-source.js';
import { DataStream } from './data-stream.js';
import { jobHooks, notifyJobListeners, PlannedJobClient, withHookDefaults } from './job-hooks.js';
// Loaded for their registrations in the stream factory table.
import './keyed-stream.js';
import './connected-streams.js';
import './broadcast-connected-stream.js';
import './windowed-stream.js';
import './all-windowed-stream.js';
import { operatorSpec } from '../graph/operator-spec.js';
import { planGraph } from '../graph/planning/plan-graph.js';

/**
 * Configuration of a job. Flink's configuration keys are accepted beside the camelCase names
 * (`'parallelism.default'`, `'pipeline.max-parallelism'`, `'pipeline.auto-watermark-interval'`).
 * A key Weir does not read, or a Flink setting it does not support, fails `create` with a
 * `ConfigError` naming the key (and the closest known key for a misspelling); cluster keys such
 * as `taskmanager.*` only warn.
 *
 * @example
 * StreamEnvironment.create({ parallelism: 2, 'execution.checkpointing.interval': '10s' });
 */
export interface EnvironmentConfig {
  parallelism?: number;
  maxParallelism?: number;
  /** Processing-time clock; a `ManualClock` makes processing time deterministic in tests. */
  clock?: Clock;
  /**
   * Records per batch that sources aim for (default 1024). Watermarks move between batches, so an
   * input smaller than one batch has no late data; tests with a few records use 1.
   */
  batchSize?: number;
  autoWatermarkInterval?: Duration;
  /**
   * The module that builds this job, usually `import.meta.url`. With parallelism > 1 every slot
   * worker imports it to rebuild the graph. `weir run` sets it; so does running the file with node/tsx.
   */
  jobModule?: string;
  /** `'threads'` (default) or `'single-thread'` (all subtasks in this thread; `execution.slot-mode`). */
  slotMode?: 'threads' | 'single-thread';
  /**
   * Two-phase window aggregation (`table.optimizer.agg-phase-strategy`): `'AUTO'` (default) splits
   * mergeable window aggregates into partial aggregates before the keyBy exchange and their merge
   * after it when either side of the exchange runs in parallel; `'ONE_PHASE'` never, `'TWO_PHASE'`
   * whenever possible.
   */
  aggPhaseStrategy?: AggPhaseStrategy;
  /**
   * Keyed state backend (`state.backend.type`): `'hashmap'` (default) keeps state on the heap,
   * `'lmdb'` on local disk (settings `state.backend.lmdb.local-dir`, `state.backend.lmdb.memory.cache-entries`).
   */
  stateBackend?: string;
  /**
   * Keep V8's allocation-site pretenuring on (`weir.v8.allocation-site-pretenuring`). Off by
   * default: with it, a process could decide early that short-lived records are long-lived and
   * run 2x slower for its whole life (docs/performance.md, "Stable speed").
   */
  allocationSitePretenuring?: boolean;
  /**
   * Operator chaining (`pipeline.operator-chaining`): `true` (default) runs operators on forward
   * edges with equal parallelism as one task; `false` runs every operator as a task of its own.
   */
  operatorChaining?: boolean;
  [flinkKey: string]: unknown;
}

let defaultExecutor: JobExecutor | undefined;

/** The script node was started with, if it is a job file (not a tool such as a test runner). */
function mainModule(): string | undefined {
  const main = process.argv[1];
  if (!main || /node_modules/.test(main) || !/\.(ts|mts|js|mjs)$/.test(main)) return undefined;
  return pathToFileURL(resolve(main)).href;
}

/**
 * The entry point of a job: creates sources, holds configuration, and runs the program.
 *
 * @example
 * const env = StreamEnvironment.create();
 * env.fromElements(1, 2, 3).map((x) => x * 10).print();
 * await env.execute('hello');
 */
export class StreamEnvironment {
  readonly graph = new StreamGraph();
  private config: ExecutionConfig;
  private executor: JobExecutor | undefined;

  private constructor(config: EnvironmentConfig) {
    const warnings = checkConfigKeys(config);
    // Slot workers rebuild the same environment; the main thread has already said it.
    if (isMainThread) for (const w of warnings) process.emitWarning(w, 'WeirConfigWarning');
    const num = (camel: string, flink: string): number | undefined => {
      const v = config[camel] ?? config[flink];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${config[camel] !== undefined ? camel : flink}: ${String(v)} is not a positive integer`);
      return n;
    };
    this.config = {
      parallelism: num('parallelism', 'parallelism.default') ?? 1,
      maxParallelism: num('maxParallelism', 'pipeline.max-parallelism') ?? DEFAULT_MAX_PARALLELISM,
      clock: config.clock ?? new SystemClock(),
      batchSize: num('batchSize', 'batchSize') ?? 1024,
      autoWatermarkInterval: toMillis((config.autoWatermarkInterval ?? config['pipeline.auto-watermark-interval'] ?? 200) as Duration),
    };
    this.applyFaultTolerance(config);
    const slotMode = config.slotMode ?? config['execution.slot-mode'];
    if (slotMode !== undefined && slotMode !== 'threads' && slotMode !== 'single-thread')
      throw new ConfigError(`execution.slot-mode: '${String(slotMode)}' is not 'threads' or 'single-thread'`);
    const jobModule = config.jobModule === undefined ? undefined : String(config.jobModule);
    const phases = config.aggPhaseStrategy ?? config['table.optimizer.agg-phase-strategy'];
    const aggPhaseStrategy = phases === undefined ? undefined : (String(phases).toUpperCase().replace('-', '_') as AggPhaseStrategy);
    if (aggPhaseStrategy !== undefined && !['AUTO', 'ONE_PHASE', 'TWO_PHASE'].includes(aggPhaseStrategy))
      throw new ConfigError(`table.optimizer.agg-phase-strategy: '${String(phases)}' is not AUTO, ONE_PHASE or TWO_PHASE`);
    const backend = config.stateBackend ?? config['state.backend.type'];
    const stateBackend = backend === undefined ? undefined : String(backend).toLowerCase();
    const stateBackendOptions = Object.fromEntries(
      Object.entries(config).filter(([k, v]) => (/^state\.backend\.[^.]+\./.test(k) || k === 'execution.checkpointing.incremental') && v !== undefined),
    );
    const pretenuring = config.allocationSitePretenuring ?? config['weir.v8.allocation-site-pretenuring'];
    if (pretenuring !== undefined && ![true, false, 'true', 'false'].includes(pretenuring as string))
      throw new ConfigError(`weir.v8.allocation-site-pretenuring: '${String(pretenuring)}' is not true or false`);
    if (pretenuring !== undefined) this.config = { ...this.config, allocationSitePretenuring: String(pretenuring) === 'true' };
    const operatorChaining = parseChaining(config);
    if (config[LOG_LEVEL_KEY] !== undefined) parseLogLevel(config[LOG_LEVEL_KEY], LOG_LEVEL_KEY);
    const rest = parseRestOptions(config);
    this.config = {
      ...this.config,
      settings: config,
      ...(rest ? { rest } : {}),
      ...(slotMode ? { slotMode } : {}),
      ...(jobModule ? { jobModule } : {}),
      ...(aggPhaseStrategy ? { aggPhaseStrategy } : {}),
      ...(stateBackend ? { stateBackend } : {}),
      ...(operatorChaining === false ? { operatorChaining } : {}),
      ...(Object.keys(stateBackendOptions).length > 0 ? { stateBackendOptions } : {}),
    };
  }

  private applyFaultTolerance(config: Record<string, unknown>): void {
    const checkpointing = parseCheckpointing(config);
    this.config = {
      ...this.config,
      checkpointing,
      restartStrategy: parseRestartStrategy(config, !!checkpointing),
      ...(config.restore ? { restore: config.restore as RestoreOptions } : {}),
    };
  }

  /**
   * Turns on periodic checkpoints (Flink's `execution.checkpointing.interval`).
   *
   * @example
   * env.enableCheckpointing('10s');
   */
  enableCheckpointing(interval: Duration, mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' = 'EXACTLY_ONCE'): this {
    const prev = this.config.checkpointing;
    const raw: Record<string, unknown> = {
      checkpoints: { ...(prev ? { ...prev } : {}), interval, mode },
    };
    if (this.config.restartStrategy && this.config.restartStrategy.type !== 'none') raw.restartStrategy = this.config.restartStrategy;
    this.applyFaultTolerance({ ...raw, ...(this.config.restore ? { restore: this.config.restore } : {}) });
    return this;
  }

  /** Sets the restart strategy (Flink's `restart-strategy.*` keys as an object). */
  setRestartStrategy(strategy: RestartStrategyOptions): this {
    this.config = { ...this.config, restartStrategy: strategy };
    return this;
  }

  /** A new environment; runs jobs in this process unless another executor is set. */
  static create(config: EnvironmentConfig = {}): StreamEnvironment {
    return new StreamEnvironment(withHookDefaults(config));
  }

  /** Wired by the package entry so the API reaches the runtime without importing it. */
  static setDefaultExecutor(executor: JobExecutor): void {
    defaultExecutor = executor;
  }

  setExecutor(executor: JobExecutor): this {
    this.executor = executor;
    return this;
  }

  /** Default parallelism of every operator. */
  setParallelism(parallelism: number): this {
    this.config = { ...this.config, parallelism };
    return this;
  }
  getParallelism(): number {
    return this.config.parallelism;
  }
  /** Number of key groups: the upper bound for rescaling keyed state. */
  setMaxParallelism(maxParallelism: number): this {
    this.config = { ...this.config, maxParallelism };
    return this;
  }
  /**
   * Runs every operator as a task of its own (Flink's `disableOperatorChaining`, the config
   * `pipeline.operator-chaining: false`): records cross every edge through a channel, as between
   * tasks. Mostly for debugging and measuring; `DataStream.disableChaining()` does it for one operator.
   *
   * @example
   * StreamEnvironment.create().disableOperatorChaining();
   */
  disableOperatorChaining(): this {
    this.config = { ...this.config, operatorChaining: false };
    return this;
  }
  getConfig(): ExecutionConfig {
    return this.config;
  }

  /**
   * Reads a source, optionally assigning event time and watermarks at the source.
   *
   * @example
   * env.fromSource(nexmark({ events: 1000 }), WatermarkStrategy.boundedOutOfOrderness('5s', (e) => e.dateTime))
   */
  fromSource<T>(source: Source<T, any>, watermarks?: WatermarkStrategy<T>, name?: string): DataStream<T> {
    const node = this.graph.addNode(operatorSpec('source', { source, watermarks }), name ?? source.name ?? 'Source', []);
    return new DataStream<T>(this, node);
  }

  /** @example env.fromElements('a', 'b', 'c') */
  fromElements<T>(...values: T[]): DataStream<T> {
    return this.fromSource(arraySource(values));
  }

  /** @example env.fromArray(rows) */
  fromArray<T>(values: readonly T[]): DataStream<T> {
    return this.fromSource(arraySource(values));
  }

  /**
   * A bounded changelog from memory: rows with their kind (`+I`, `-U`, `+U`, `-D`). Operators that
   * only understand insertions (keyed reduce, windows, joins) refuse such a stream with an error;
   * map, filter, flatMap, union, partitioning, print and collect pass each row's kind on.
   *
   * @example
   * env.fromChangelog([['+I', { id: 1, n: 5 }], ['-U', { id: 1, n: 5 }], ['+U', { id: 1, n: 6 }]]).print();
   */
  fromChangelog<T>(rows: readonly ChangelogRow<T>[]): DataStream<T> {
    return this.fromSource(changelogSource(rows));
  }

  /** Any AsyncIterable, Iterable, Node Readable or web ReadableStream. */
  fromAsyncIterable<T>(input: AsyncInput<T>): DataStream<T> {
    return this.fromSource(asyncIterableSource(input));
  }

  /** The integers `from`..`to`, both included, read in parallel ranges. @example env.fromSequence(1, 100) */
  fromSequence(from: number, to: number): DataStream<number> {
    return this.fromSource(sequence(from, to));
  }

  /** The lines of a file, or of every file in a directory. @example env.readTextFile('logs/') */
  readTextFile(path: string): DataStream<string> {
    return this.fromSource(fileSource({ path, format: 'text' }));
  }

  /** Text lines from a TCP socket until the peer closes it. @example env.socketTextStream('localhost', 9999) */
  socketTextStream(host: string, port: number, delimiter = '\n'): DataStream<string> {
    return this.fromSource(socketTextSource({ host, port, delimiter }));
  }

  /**
   * The plan as JSON, as Flink's `getExecutionPlan`: the graph after planning (docs/architecture.md),
   * with each operator's kind, key parameters, parallelism, uid, chain, changelog mode and the
   * partitioning of its inputs.
   *
   * @example
   * console.log(env.explain());
   */
  explain(): string {
    return explainPlan(planGraph(this.graph, this.config));
  }

  /** Starts the job and returns a client for it. */
  executeAsync(jobName = 'Weir Job'): JobClient {
    const executor = this.executor ?? defaultExecutor;
    if (!executor) throw new ConfigError("No executor: import from 'weir' (the package entry wires the local executor)");
    if (this.graph.nodes.length === 0) throw new ConfigError('The job has no operators: add a source and a sink before execute()');
    const hooks = jobHooks();
    const planOnly = hooks.planOnly;
    const config = { ...this.config, jobModule: this.config.jobModule ?? hooks.jobModule ?? mainModule(), launchDefaults: hooks.defaults };
    const plan = planGraph(this.graph, config);
    const client: JobClient = planOnly ? new PlannedJobClient(jobName) : executor.submit(plan, jobName, config);
    notifyJobListeners(client, { jobName, plan: explainPlan(plan), planOnly });
    // Restores, restarts and the REST address are logged, as Flink logs them.
    const log = jobLogger(jobName, config.settings);
    client.onEvent?.((e) => logJobEvent(log, e));
    return client;
  }

  /** Runs the job to completion (bounded inputs) and returns its metrics. */
  execute(jobName = 'Weir Job'): Promise<JobResult> {
    return this.executeAsync(jobName).result;
  }
}

function explainPlan(plan: StreamGraph): string {
  return JSON.stringify(plan.describe(), null, 2);
}

/** `operatorChaining`, `pipeline.operator-chaining` or its older name `.enabled`: a boolean or 'true'/'false'. */
function parseChaining(config: Record<string, unknown>): boolean | undefined {
  const key = ['operatorChaining', 'pipeline.operator-chaining', 'pipeline.operator-chaining.enabled'].find((k) => config[k] !== undefined);
  if (key === undefined) return undefined;
  const v = String(config[key]).toLowerCase();
  if (v !== 'true' && v !== 'false') throw new ConfigError(`${key}: ${show(config[key])} is not true or false`);
  return v === 'true';
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v));
