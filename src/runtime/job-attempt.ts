import { ConfigError } from '../core/errors.js';
import { DEFAULT_MAX_PARALLELISM } from '../core/key-group.js';
import type { Clock } from '../core/clock.js';
import type { ExecutionConfig, OperatorMetricsSnapshot } from '../graph/job-executor.js';
import type { StreamGraph, StreamNode } from '../graph/stream-graph.js';
import type { CheckpointingMode } from './checkpoint/barrier-aligner.js';
import type { LoadedCheckpoint } from './checkpoint/checkpoint-storage.js';
import { EdgeRouter, type Channel } from './edge-router.js';
import { Batch } from '../core/batch.js';
import type { SlotContext } from './parallel/slot-context.js';
import { RemoteSubtask, SlotLink } from './parallel/slot-link.js';
import type { LinkMessage } from './parallel/slot-messages.js';
import { decodeValues } from './parallel/batch-codec.js';
import { createOperator } from './operators/create-operator.js';
import { SourceTask } from './source-task.js';
import { Subtask, type SubtaskHost } from './subtask.js';
import type { RestoredSubtaskState, SubtaskSnapshot } from './subtask-snapshot.js';

/** Whether a snapshot holds anything worth restoring (a stateless operator's snapshot is empty). */
function hasState(s: SubtaskSnapshot): boolean {
  const keyed = s.keyed && Object.keys(s.keyed.groups).length > 0;
  const timers = s.timers && (s.timers.eventTime.length > 0 || s.timers.processingTime.length > 0);
  const lists = Object.values(s.operatorState.lists).some((l) => l.length > 0) || Object.values(s.operatorState.broadcast).some((b) => b.length > 0);
  return !!(keyed || timers || lists || s.operator !== undefined || (s.source !== undefined && s.source !== null));
}

/** The uid that names an operator's state in checkpoints. */
export function operatorUid(n: StreamNode): string {
  return n.uid ?? `${n.spec.kind}-${n.id}`;
}

/** The number of subtasks a node runs with. */
export function parallelismOf(n: StreamNode, config: ExecutionConfig): number {
  let p = n.parallelism ?? config.parallelism;
  if (n.spec.kind === 'source' && n.spec.source.maxParallelism !== undefined) p = Math.min(p, n.spec.source.maxParallelism);
  if (!Number.isInteger(p) || p < 1) throw new ConfigError(`Operator '${n.name}' has invalid parallelism ${p}`);
  return p;
}

/**
 * Flink's rescale partitioning: each upstream subtask sends round-robin to a fixed subset of the
 * downstream subtasks (or to one, when there are fewer downstream than upstream subtasks), so
 * records stay local where the slot layout allows.
 */
export function rescaleTargets<T>(u: number, upstream: number, downstream: T[]): T[] {
  const d = downstream.length;
  if (d <= upstream) return [downstream[Math.floor((u * d) / upstream)]!];
  return downstream.filter((_, i) => Math.floor((i * upstream) / d) === u);
}

/** Names a subtask in a checkpoint. */
export interface TaskRef {
  readonly uid: string;
  readonly index: number;
  readonly parallelism: number;
}

export interface AttemptListener {
  acknowledge(id: number, task: TaskRef, state: Uint8Array, alignmentMs: number, syncMs: number): void;
}

/** What the job runner needs from an execution attempt, in this thread or across slot workers. */
export interface Attempt {
  readonly failed: boolean;
  /** Subtasks that acknowledge each checkpoint. */
  readonly taskCount: number;
  run(onRunning: () => void, beforeClose?: () => Promise<void>): Promise<void>;
  fail(error: unknown): void;
  cancel(error: unknown): void;
  triggerCheckpoint(id: number, savepoint: boolean): void;
  notifyCheckpointComplete(id: number): Promise<void>;
  notifyCheckpointAborted(id: number): void;
  metrics(): OperatorMetricsSnapshot[];
  currentWatermark(): number;
}

/**
 * One execution attempt of a job in this thread: one subtask per operator instance, records pushed
 * synchronously along forward edges and through in-thread exchanges, sources driven as async loops.
 * A restart builds a new attempt from the same graph and the latest checkpoint.
 */
export class JobAttempt implements SubtaskHost, Attempt {
  failed = false;
  cancelled = false;
  error: unknown;
  /** Per node, every subtask index: the local subtasks, and stand-ins for those in other slots. */
  private readonly targets = new Map<number, (Subtask | RemoteSubtask)[]>();
  /** Per node, the subtasks that run here. */
  readonly subtasks = new Map<number, Subtask[]>();
  readonly all: Subtask[] = [];
  private readonly links: (SlotLink | undefined)[] = [];
  private readonly sourceTasks = new Map<Subtask, SourceTask>();
  private readonly blockers = new Set<Promise<unknown>>();
  private rejectFailure!: (e: unknown) => void;
  private readonly failure = new Promise<never>((_, rej) => (this.rejectFailure = rej));
  readonly clock: Clock;
  /** For source tasks: how often custom watermark generators are asked for a watermark. */
  get autoWatermarkInterval(): number {
    return this.config.autoWatermarkInterval;
  }
  readonly checkpointingMode: CheckpointingMode | undefined;
  readonly yieldIntervalMs: number | undefined;

  constructor(
    private readonly graph: StreamGraph,
    private readonly config: ExecutionConfig,
    private readonly listener: AttemptListener,
    private readonly restore: LoadedCheckpoint | undefined,
    /** Set when this attempt is one slot of a job spread over worker threads. */
    private readonly slot?: SlotContext,
  ) {
    this.clock = config.clock;
    this.checkpointingMode = config.checkpointing?.mode;
    this.yieldIntervalMs = slot ? 0 : undefined;
    this.failure.catch(() => undefined);
    if (slot) {
      slot.peers.forEach((port, peer) => {
        if (!port) return;
        const link = new SlotLink(port, (p) => this.block(p));
        this.links[peer] = link;
        port.on('message', (m: LinkMessage) => this.onLinkMessage(link, m));
      });
    }
  }

  get taskCount(): number {
    return this.all.length;
  }

  /** Which slot runs subtask `index` (slot sharing: one subtask of each operator per slot). */
  private slotOf(index: number): number {
    return this.slot ? index % this.slot.slots : 0;
  }

  private onLinkMessage(link: SlotLink, m: LinkMessage): void {
    if (m.t === 'c') return link.onCredit(m.c);
    if (this.failed) return;
    const st = this.targets.get(m.n)?.[m.d];
    if (!(st instanceof Subtask)) return this.fail(new Error(`Slot ${this.slot!.slot} got input for subtask ${m.d} of node ${m.n}, which it does not run`));
    try {
      switch (m.t) {
        case 'b':
          st.receiveBatch(m.ch, new Batch(decodeValues(m.v), Array.from(new Float64Array(m.ts)), m.k && decodeValues(m.k)));
          link.processedOne();
          break;
        case 'w':
          st.receiveWatermark(m.ch, m.w);
          break;
        case 'i':
          st.receiveIdle(m.ch, m.idle);
          break;
        case 'x':
          st.receiveBarrier(m.ch, m.id, m.sp);
          break;
        case 'e':
          st.receiveEnd(m.ch);
          break;
      }
    } catch (e) {
      this.fail(st.wrap(e));
    }
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    this.rejectFailure(error);
  }

  cancel(error: unknown): void {
    this.cancelled = true;
    this.fail(error);
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

  acknowledgeCheckpoint(id: number, task: Subtask, state: Uint8Array, alignmentMs: number, syncMs: number): void {
    this.listener.acknowledge(id, { uid: task.info.uid, index: task.info.index, parallelism: task.info.parallelism }, state, alignmentMs, syncMs);
  }

  /** Starts checkpoint `id`: sources take it between batches; finished subtasks take it at once. */
  triggerCheckpoint(id: number, savepoint: boolean): void {
    for (const st of this.all) {
      const src = this.sourceTasks.get(st);
      if (src) src.triggerCheckpoint(id, savepoint);
      else if (st.isFinished || st.inputsEnded) st.checkpointNow(id, savepoint, undefined);
    }
  }

  private notifications: Promise<void> = Promise.resolve();

  /** Tells every subtask that checkpoint `id` completed; commits run one checkpoint after another. */
  notifyCheckpointComplete(id: number): Promise<void> {
    this.notifications = this.notifications.then(async () => {
      for (const st of this.all) await st.notifyCheckpointComplete(id);
    });
    return this.notifications;
  }

  notifyCheckpointAborted(id: number): void {
    for (const st of this.all) st.notifyCheckpointAborted(id);
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
    return w;
  }

  private parallelismOf(n: StreamNode): number {
    return parallelismOf(n, this.config);
  }

  private build(): void {
    const maxPar = this.config.maxParallelism || DEFAULT_MAX_PARALLELISM;
    for (const n of this.graph.nodes) {
      const p = this.parallelismOf(n);
      const mp = n.maxParallelism ?? maxPar;
      if (p > mp) throw new ConfigError(`Operator '${n.name}' has parallelism ${p} above its max parallelism ${mp}`);
      const sts: (Subtask | RemoteSubtask)[] = [];
      const mine: Subtask[] = [];
      for (let i = 0; i < p; i++) {
        const slot = this.slotOf(i);
        if (!this.slot || slot === this.slot.slot) {
          const st = new Subtask({ name: n.name, uid: operatorUid(n), index: i, parallelism: p, maxParallelism: mp, keyed: n.keyed }, createOperator(n.spec), this);
          sts.push(st);
          mine.push(st);
        } else sts.push(new RemoteSubtask(n.id, i, this.links[slot]!));
      }
      this.targets.set(n.id, sts);
      this.subtasks.set(n.id, mine);
      this.all.push(...mine);
      n.inputs.forEach((edges, inputIndex) => {
        for (const e of edges) {
          const ups = this.targets.get(e.from)!;
          let partitioner = e.partitioner;
          if (partitioner.type === 'forward' && ups.length !== sts.length) partitioner = { type: 'rebalance' };
          ups.forEach((up, u) => {
            let targets: (Subtask | RemoteSubtask)[];
            if (partitioner.type === 'forward') targets = [sts[u]!];
            else if (partitioner.type === 'rescale') targets = rescaleTargets(u, ups.length, sts);
            else targets = sts;
            // Every slot numbers every channel, so channel indices agree across slots.
            const channels: Channel[] = targets.map((t) => ({ target: t, index: t.addChannel(inputIndex) }));
            if (!(up instanceof Subtask)) return;
            const router = new EdgeRouter(partitioner, channels, mp, n.name);
            if (e.sideOutput) {
              const list = up.output.side.get(e.sideOutput) ?? [];
              list.push(router);
              up.output.side.set(e.sideOutput, list);
            } else up.output.main.push(router);
          });
        }
      });
    }
  }

  /** Hands each subtask its share of the restored checkpoint; returns source positions per subtask. */
  private async restoreState(): Promise<Map<Subtask, unknown>> {
    const positions = new Map<Subtask, unknown>();
    if (!this.restore) return positions;
    const byOperator = new Map<string, RestoredSubtaskState[]>();
    for (const s of this.restore.states) {
      const list = byOperator.get(s.operator) ?? [];
      list.push({ subtask: s.subtask, parallelism: s.parallelism, state: s.state as SubtaskSnapshot });
      byOperator.set(s.operator, list);
    }
    const known = new Set(this.graph.nodes.map(operatorUid));
    const orphans = [...byOperator.entries()].filter(([uid, states]) => !known.has(uid) && states.some((s) => hasState(s.state))).map(([uid]) => uid);
    if (orphans.length > 0 && !this.config.restore?.allowNonRestoredState) {
      throw new ConfigError(
        `Checkpoint ${this.restore.path} has state for operators that are not in this job: ${orphans.join(', ')}. ` +
          'Give operators stable ids with .uid(...), or pass --allow-non-restored-state to drop that state.',
      );
    }
    for (const n of this.graph.nodes) {
      const states = byOperator.get(operatorUid(n));
      if (!states) continue;
      for (const st of this.subtasks.get(n.id)!) positions.set(st, await st.restore(states));
    }
    return positions;
  }

  /**
   * Runs until every sink finished (resolves) or the attempt fails (rejects). `beforeClose` runs
   * after the last sink finished and before operators close: the final checkpoint goes there.
   */
  async run(onRunning: () => void, beforeClose?: () => Promise<void>): Promise<void> {
    try {
      this.build();
      const positions = await this.restoreState();
      for (const n of this.graph.nodes) {
        if (n.spec.kind !== 'source') continue;
        const spec = n.spec;
        const sts = this.subtasks.get(n.id)!;
        const parallelism = this.targets.get(n.id)!.length;
        const splits = spec.source.splits(parallelism);
        sts.forEach((st) => {
          const i = st.info.index;
          const mine = splits.filter((_, j) => j % parallelism === i);
          this.sourceTasks.set(st, new SourceTask(st, spec.source, mine, spec.watermarks, this, this.config.batchSize, positions.get(st) ?? undefined));
        });
      }
      for (const st of this.all) await st.open();
      onRunning();
      const sinks = this.graph.nodes.filter((n) => this.graph.consumers(n.id).length === 0).flatMap((n) => this.subtasks.get(n.id)!);
      const loops = [...this.sourceTasks.values()].map((s) => s.run().catch((e) => this.fail(e)));
      await Promise.race([Promise.all([...loops, ...sinks.map((s) => s.ended)]), this.failure]);
      if (beforeClose && !this.failed) await Promise.race([beforeClose(), this.failure]);
    } catch (e) {
      this.fail(e);
    }
    for (const st of this.all) {
      try {
        await st.close();
      } catch (e) {
        this.fail(e);
      }
    }
    if (this.failed) throw this.error;
  }
}
