import { ConfigError, WeirError } from '../core/errors.js';
import { DEFAULT_MAX_PARALLELISM } from '../core/key-group.js';
import type { ExecutionConfig, JobClient, JobResult, JobStatus, OperatorMetricsSnapshot } from '../graph/job-executor.js';
import type { StreamGraph, StreamNode } from '../graph/stream-graph.js';
import { EdgeRouter, type Channel } from './edge-router.js';
import { createOperator } from './operators/create-operator.js';
import { SourceTask } from './source-task.js';
import { Subtask, type SubtaskHost } from './subtask.js';

/**
 * Runs a stream graph in this thread: one subtask per operator instance, records pushed
 * synchronously along forward edges and through in-thread exchanges, sources driven as async loops.
 */
export class JobRunner implements JobClient, SubtaskHost {
  failed = false;
  cancelled = false;
  private state: JobStatus = 'CREATED';
  private error: unknown;
  private readonly subtasks = new Map<number, Subtask[]>();
  private readonly blockers = new Set<Promise<unknown>>();
  private startedAt = 0;
  private rejectFailure!: (e: unknown) => void;
  private readonly failure = new Promise<never>((_, rej) => (this.rejectFailure = rej));
  readonly result: Promise<JobResult>;
  readonly clock;

  constructor(
    private readonly graph: StreamGraph,
    readonly jobName: string,
    private readonly config: ExecutionConfig,
  ) {
    this.clock = config.clock;
    this.failure.catch(() => undefined);
    this.result = this.run();
  }

  status(): JobStatus {
    return this.state;
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    this.rejectFailure(error);
  }

  block(p: Promise<unknown>): void {
    this.blockers.add(p);
    const done = () => this.blockers.delete(p);
    p.then(done, (e) => {
      done();
      this.fail(e);
    });
  }

  unblocked(): Promise<void> | undefined {
    if (this.blockers.size === 0) return undefined;
    return Promise.all(this.blockers).then(() => undefined, () => undefined);
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    this.fail(new WeirError(`Job '${this.jobName}' was cancelled`));
    await this.result.catch(() => undefined);
  }

  metrics(): OperatorMetricsSnapshot[] {
    return this.graph.nodes.map((n) => {
      const sts = this.subtasks.get(n.id) ?? [];
      const counters: Record<string, number> = {};
      let recordsIn = 0;
      let recordsOut = 0;
      let busyMs = 0;
      for (const s of sts) {
        recordsIn += s.metrics.recordsIn;
        recordsOut += s.metrics.recordsOut;
        busyMs = Math.max(busyMs, (s.metrics.endedAt || performance.now()) - s.metrics.startedAt);
        for (const [k, v] of Object.entries(s.metrics.counters)) counters[k] = (counters[k] ?? 0) + v;
      }
      return { name: n.name, parallelism: sts.length, recordsIn, recordsOut, busyMs, counters };
    });
  }

  currentWatermark(): number {
    let w = Infinity;
    for (const n of this.graph.nodes) {
      if (this.graph.consumers(n.id).length > 0) continue;
      for (const s of this.subtasks.get(n.id) ?? []) w = Math.min(w, s.output.lastWatermark);
    }
    return w === Infinity && this.state === 'RUNNING' ? -Infinity : w;
  }

  private parallelismOf(n: StreamNode): number {
    let p = n.parallelism ?? this.config.parallelism;
    if (n.spec.kind === 'source' && n.spec.source.maxParallelism !== undefined) p = Math.min(p, n.spec.source.maxParallelism);
    if (!Number.isInteger(p) || p < 1) throw new ConfigError(`Operator '${n.name}' has invalid parallelism ${p}`);
    return p;
  }

  private build(): SourceTask[] {
    const maxPar = this.config.maxParallelism || DEFAULT_MAX_PARALLELISM;
    const sources: SourceTask[] = [];
    for (const n of this.graph.nodes) {
      const p = this.parallelismOf(n);
      const mp = n.maxParallelism ?? maxPar;
      if (p > mp) throw new ConfigError(`Operator '${n.name}' has parallelism ${p} above its max parallelism ${mp}`);
      const sts: Subtask[] = [];
      for (let i = 0; i < p; i++) {
        sts.push(new Subtask({ name: n.name, uid: n.uid ?? `${n.spec.kind}-${n.id}`, index: i, parallelism: p, maxParallelism: mp, keyed: n.keyed }, createOperator(n.spec), this));
      }
      this.subtasks.set(n.id, sts);
      n.inputs.forEach((edges, inputIndex) => {
        for (const e of edges) {
          const ups = this.subtasks.get(e.from)!;
          let partitioner = e.partitioner;
          if (partitioner.type === 'forward' && ups.length !== sts.length) partitioner = { type: 'rebalance' };
          ups.forEach((up, u) => {
            let targets: Subtask[];
            if (partitioner.type === 'forward') targets = [sts[u]!];
            else if (partitioner.type === 'global') targets = [sts[0]!];
            else targets = sts;
            const channels: Channel[] = targets.map((t) => ({ target: t, index: t.addChannel(inputIndex) }));
            const router = new EdgeRouter(partitioner, channels, mp, n.name);
            if (e.sideOutput) {
              const list = up.output.side.get(e.sideOutput) ?? [];
              list.push(router);
              up.output.side.set(e.sideOutput, list);
            } else up.output.main.push(router);
          });
        }
      });
      if (n.spec.kind === 'source') {
        const spec = n.spec;
        const splits = spec.source.splits(p);
        sts.forEach((st, i) => {
          const mine = splits.filter((_, j) => j % p === i);
          sources.push(new SourceTask(st, spec.source, mine, spec.watermarks, this, this.config.batchSize));
        });
      }
    }
    return sources;
  }

  private async run(): Promise<JobResult> {
    await Promise.resolve();
    this.startedAt = performance.now();
    const all: Subtask[] = [];
    try {
      const sources = this.build();
      for (const sts of this.subtasks.values()) all.push(...sts);
      for (const st of all) await st.open();
      this.state = 'RUNNING';
      const sinks = this.graph.nodes.filter((n) => this.graph.consumers(n.id).length === 0).flatMap((n) => this.subtasks.get(n.id)!);
      const loops = sources.map((s) => s.run().catch((e) => this.fail(e)));
      await Promise.race([Promise.all([...loops, ...sinks.map((s) => s.ended)]), this.failure]);
    } catch (e) {
      this.fail(e);
    }
    for (const st of all) {
      try {
        await st.close();
      } catch (e) {
        this.fail(e);
      }
    }
    if (this.failed) {
      this.state = this.cancelled ? 'CANCELED' : 'FAILED';
      throw this.error;
    }
    this.state = 'FINISHED';
    return { jobName: this.jobName, durationMs: performance.now() - this.startedAt, metrics: this.metrics() };
  }
}
