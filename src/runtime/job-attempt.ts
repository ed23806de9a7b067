import { ConfigError, WeirError } from '../core/errors.js';
import type { SourceSplit } from '../core/source.js';
import { enumeratorUid } from './source-coordinator.js';
import { DEFAULT_MAX_PARALLELISM, keyGroupFor, subtaskForKeyGroup } from '../core/key-group.js';
import type { Attempt, AttemptListener } from './attempt.js';
import { operatorUid, parallelismOf, rescaleTargets } from './graph-layout.js';
import { planRestore } from './checkpoint/restore-plan.js';
import { deliverLinkMessage, type SlotInbox } from './parallel/slot-inbox.js';
import type { Clock } from '../core/clock.js';
import { StateQueryError, type ExecutionConfig, type OperatorMetricsSnapshot } from '../graph/job-executor.js';
import type { StreamGraph, StreamNode } from '../graph/stream-graph.js';
import type { CheckpointingMode } from './checkpoint/barrier-aligner.js';
import type { LoadedCheckpoint } from './checkpoint/checkpoint-storage.js';
import { EdgeRouter, type Channel } from './edge-router.js';
import type { SlotContext } from './parallel/slot-context.js';
import { RemoteSubtask, SlotLink } from './parallel/slot-link.js';
import type { LinkMessage } from './parallel/slot-messages.js';
import { createOperator } from './operators/create-operator.js';
import { SourceTask } from './source-task.js';
import { stateBackendFor } from './state/state-backends.js';
import type { StateBackendFactory } from '../core/state-backend.js';
import { ChainedOperator } from './chained-operator.js';
import { StreamTask, type TaskHost } from './stream-task.js';
import { locateFailure, logFailure } from './failure-log.js';
import { paramsOf } from '../graph/operator-spec.js';

/**
 * One execution attempt of a job in this thread: one task per instance of each operator chain the
 * planned graph records (operators of a chain call each other directly), records pushed
 * synchronously through in-thread exchanges, sources driven as async loops. A restart builds a new
 * attempt from the same graph and the latest checkpoint.
 */
export class JobAttempt implements TaskHost, Attempt, SlotInbox {
  failed = false;
  cancelled = false;
  error: unknown;
  /** Per chain head, every subtask index: the local tasks, and stand-ins for those in other slots. */
  private readonly targets = new Map<number, (StreamTask | RemoteSubtask)[]>();
  /** Per node, its operator instances that run here. */
  readonly subtasks = new Map<number, ChainedOperator[]>();
  /** Every task that runs here. */
  readonly all: StreamTask[] = [];
  /** The tasks here whose chain ends in an operator nobody reads: the attempt ends with them. */
  private readonly sinks: StreamTask[] = [];
  private readonly links: (SlotLink | undefined)[] = [];
  private readonly sourceTasks = new Map<StreamTask, SourceTask>();
  private readonly blockers = new Set<Promise<unknown>>();
  private readonly operatorBlockers = new Set<Promise<unknown>>();
  private rejectFailure!: (e: unknown) => void;
  private readonly failure = new Promise<never>((_, rej) => (this.rejectFailure = rej));
  readonly clock: Clock;
  /** For source tasks: how often custom watermark generators are asked for a watermark. */
  get autoWatermarkInterval(): number {
    return this.config.autoWatermarkInterval;
  }
  readonly checkpointingMode: CheckpointingMode | undefined;
  readonly stateBackend: StateBackendFactory;
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
    this.stateBackend = stateBackendFor(config.stateBackend, config.stateBackendOptions);
    this.yieldIntervalMs = slot ? 0 : undefined;
    this.failure.catch(() => undefined);
    if (slot) {
      slot.peers.forEach((port, peer) => {
        if (!port) return;
        this.links[peer] = new SlotLink(port, (p) => this.waitForCredit(p));
      });
    }
  }

  /** The task whose chain starts at `node`, subtask `index` (input from other slots goes there). */
  target(node: number, index: number): StreamTask | RemoteSubtask | undefined {
    return this.targets.get(node)?.[index];
  }

  /** Which slot runs subtask `index` (slot sharing: one subtask of each operator per slot). */
  private slotOf(index: number): number {
    return this.slot ? index % this.slot.slots : 0;
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    if (!this.cancelled && this.listener.log) logFailure(this.listener.log, error);
    this.rejectFailure(error);
  }

  cancel(error: unknown): void {
    this.cancelled = true;
    this.fail(error);
  }

  /** An operator asks its task to wait (a pending sink write, async I/O at capacity). */
  block(p: Promise<unknown>): void {
    this.operatorBlockers.add(p);
    const done = () => this.operatorBlockers.delete(p);
    p.then(done, done);
    this.waitForCredit(p);
  }

  /** Sources in this slot wait for `p` (an operator's wait, or credit from a peer slot). */
  private waitForCredit(p: Promise<unknown>): void {
    this.blockers.add(p);
    const done = () => this.blockers.delete(p);
    p.then(done, (e) => {
      done();
      this.fail(e);
    });
  }

  /**
   * Settles when no operator of this slot waits any more; undefined when none does. The inbox
   * returns a peer's credit only then, so a slow sink holds back sources in other slots too.
   * Credit waits do not count: two slots that exchange data both ways would wait for each other.
   */
  operatorsIdle(): Promise<void> | undefined {
    if (this.operatorBlockers.size === 0) return undefined;
    return Promise.all(this.operatorBlockers).then(
      () => undefined,
      () => undefined,
    );
  }

  unblocked(): Promise<void> | undefined {
    if (this.blockers.size === 0) return undefined;
    return Promise.all(this.blockers).then(
      () => undefined,
      () => undefined,
    );
  }

  acknowledgeCheckpoint(id: number, task: StreamTask, state: Uint8Array, alignmentMs: number, syncMs: number): void {
    this.listener.acknowledge(id, { uid: task.info.uid, index: task.info.index, parallelism: task.info.parallelism }, state, alignmentMs, syncMs);
  }

  private triggered: { id: number; savepoint: boolean } | undefined;

  triggeredCheckpoint(): { id: number; savepoint: boolean } | undefined {
    return this.triggered;
  }

  /**
   * Starts checkpoint `id`: sources take it between batches; subtasks whose input already ended take
   * it at once, and those whose input ends later without a barrier take it then.
   */
  triggerCheckpoint(id: number, savepoint: boolean): void {
    this.triggered = { id, savepoint };
    for (const st of this.all) {
      const src = this.sourceTasks.get(st);
      if (src) src.triggerCheckpoint(id, savepoint);
      else if (st.isFinished || st.inputsEnded) st.checkpointNow(id, savepoint, undefined);
    }
  }

  private notifications: Promise<void> = Promise.resolve();

  /** Tells every subtask that checkpoint `id` completed; commits run one checkpoint after another. */
  notifyCheckpointComplete(id: number): Promise<void> {
    if (this.triggered && this.triggered.id <= id) this.triggered = undefined;
    this.notifications = this.notifications.then(async () => {
      for (const st of this.all) await st.notifyCheckpointComplete(id);
    });
    return this.notifications;
  }

  notifyCheckpointAborted(id: number): void {
    if (this.triggered && this.triggered.id <= id) this.triggered = undefined;
    for (const st of this.all) st.notifyCheckpointAborted(id);
  }

  assignSplits(node: number, index: number, splits: SourceSplit[], positions: Record<string, unknown> | undefined): void {
    this.readerTask(node, index).addSplits(splits, positions);
  }

  noMoreSplits(node: number, index: number): void {
    this.readerTask(node, index).signalNoMoreSplits();
  }

  private readerTask(node: number, index: number): SourceTask {
    const st = this.target(node, index);
    const task = st instanceof StreamTask ? this.sourceTasks.get(st) : undefined;
    if (!task) throw new WeirError(`No source reader ${index} of operator ${node} runs here`);
    return task;
  }

  metrics(): OperatorMetricsSnapshot[] {
    return this.graph.nodes.map((n) => {
      const sts = this.subtasks.get(n.id) ?? [];
      const counters: Record<string, number> = {};
      let recordsIn = 0;
      let recordsOut = 0;
      let busyMs = 0;
      let busyTimeMs = 0;
      let backPressuredTimeMs = 0;
      const now = performance.now();
      for (const s of sts) {
        recordsIn += s.metrics.recordsIn;
        recordsOut += s.metrics.recordsOut;
        busyMs = Math.max(busyMs, (s.metrics.endedAt || now) - s.metrics.startedAt);
        busyTimeMs += s.metrics.task.busyMs;
        backPressuredTimeMs += s.metrics.task.backPressuredNow(now);
        for (const [k, v] of Object.entries(s.metrics.counters)) counters[k] = (counters[k] ?? 0) + v;
      }
      const subtasks = sts.map((s) => ({ index: s.info.index, inputWatermark: s.watermark, outputWatermark: s.output.lastWatermark }));
      const m: OperatorMetricsSnapshot = {
        name: n.name,
        parallelism: sts.length,
        recordsIn,
        recordsOut,
        busyMs,
        counters,
        busyTimeMs,
        backPressuredTimeMs,
        subtasks,
      };
      addUserAndStateMetrics(m, sts, now);
      return m;
    });
  }

  async queryState(uid: string, name: string, key: unknown): Promise<unknown> {
    const node = this.graph.nodes.find((n) => operatorUid(n) === uid);
    if (!node) throw new StateQueryError('unknown', `No operator with uid '${uid}'`);
    const subtasks = this.subtasks.get(node.id) ?? [];
    const first = subtasks[0];
    if (!first?.info.keyed) throw new StateQueryError('unknown', `Operator '${node.name}' (uid '${uid}') has no keyed state`);
    // The subtask that owns the key, as keyBy routes it.
    const owner = subtaskForKeyGroup(first.info.maxParallelism, first.info.parallelism, keyGroupFor(key, first.info.maxParallelism));
    const st = subtasks.find((s) => s.info.index === owner);
    if (!st)
      throw new StateQueryError('unsupported', `Subtask ${owner} of '${node.name}' runs in another slot: live state queries read subtasks of this thread only`);
    if (!st.queryable!.has(name))
      throw new StateQueryError('unknown', `Operator '${node.name}' (uid '${uid}') has no queryable state '${name}' (declare it with { queryable: true })`);
    return st.queryable!.read(name, key);
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

  /**
   * One task per instance of each chain the planned graph records (`StreamNode.chain`), in node
   * order, so every slot numbers tasks and channels alike; the edges into each chain's head become
   * channels, the edges inside a chain direct calls.
   */
  private build(): void {
    const maxPar = this.config.maxParallelism || DEFAULT_MAX_PARALLELISM;
    /** Per node, per subtask index, the operator instance when it runs here. */
    const instances = new Map<number, (ChainedOperator | undefined)[]>();
    for (const n of this.graph.nodes) {
      const p = this.parallelismOf(n);
      const mp = n.maxParallelism ?? maxPar;
      if (p > mp) throw new ConfigError(`Operator '${n.name}' has parallelism ${p} above its max parallelism ${mp}`);
      const all: (ChainedOperator | undefined)[] = [];
      for (let i = 0; i < p; i++) {
        const here = !this.slot || this.slotOf(i) === this.slot.slot;
        all.push(
          here
            ? new ChainedOperator(
                { name: n.name, uid: operatorUid(n), index: i, parallelism: p, maxParallelism: mp, keyed: n.keyed },
                createOperator(n, n.name, n.keyed),
                this,
              )
            : undefined,
        );
      }
      instances.set(n.id, all);
      this.subtasks.set(
        n.id,
        all.filter((op) => op !== undefined),
      );
    }
    for (const chain of this.graph.plannedChains()) {
      const head = chain[0]!;
      for (let k = 1; k < chain.length; k++) checkChained(this.graph, this.graph.node(chain[k]!), instances);
      const endsJob = this.graph.consumers(chain[chain.length - 1]!).length === 0;
      const sts = instances.get(head)!.map((op, i) => {
        if (!op) return new RemoteSubtask(head, i, this.links[this.slotOf(i)]!);
        const task = new StreamTask(
          chain.map((id) => instances.get(id)![i]!),
          this,
        );
        this.all.push(task);
        if (endsJob) this.sinks.push(task);
        return task;
      });
      this.targets.set(head, sts);
    }
    for (const n of this.graph.nodes) {
      const sts = this.targets.get(n.id);
      if (!sts) continue;
      const mp = n.maxParallelism ?? maxPar;
      n.inputs.forEach((edges, inputIndex) => {
        for (const e of edges) {
          const ups = instances.get(e.from)!;
          let partitioner = e.partitioner;
          if (partitioner.type === 'forward' && ups.length !== sts.length) partitioner = { type: 'rebalance' };
          ups.forEach((up, u) => {
            let targets: (StreamTask | RemoteSubtask)[];
            if (partitioner.type === 'forward') targets = [sts[u]!];
            else if (partitioner.type === 'rescale') targets = rescaleTargets(u, ups.length, sts);
            else targets = sts;
            // Every slot numbers every channel, so channel indices agree across slots.
            const channels: Channel[] = targets.map((t) => ({ target: t, index: t.addChannel(inputIndex) }));
            if (!up) return;
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

  /**
   * Hands each operator instance its share of the restored checkpoint, which keeps state per
   * operator uid whatever the chains were; returns source positions per source task.
   */
  private async restoreState(): Promise<Map<StreamTask, unknown>> {
    const positions = new Map<StreamTask, unknown>();
    if (!this.restore) return positions;
    const uids = this.graph.nodes.map(operatorUid);
    for (const n of this.graph.nodes) if (paramsOf(n, 'source')?.source.createEnumerator) uids.push(enumeratorUid(operatorUid(n)));
    const byOperator = planRestore(this.restore, uids, this.config.restore?.allowNonRestoredState === true);
    for (const n of this.graph.nodes) {
      const states = byOperator.get(operatorUid(n));
      if (!states) continue;
      for (const op of this.subtasks.get(n.id)!) {
        const restored = await op.restore(states);
        const task = this.targets.get(n.id)?.[op.info.index];
        if (task instanceof StreamTask) positions.set(task, restored);
      }
    }
    return positions;
  }

  /**
   * Runs until every sink finished (resolves) or the attempt fails (rejects). `beforeClose` runs
   * after the last sink finished and before operators close: the final checkpoint goes there.
   */
  /**
   * `started`, in a slot: resolves when every slot has opened its subtasks, so no source sends
   * to a slot that is not ready. Input from other slots waits in the ports until this slot is open.
   */
  async run(onRunning: () => void, beforeClose?: () => Promise<void>, started?: Promise<void>): Promise<void> {
    try {
      this.build();
      const positions = await this.restoreState();
      for (const n of this.graph.nodes) {
        const spec = paramsOf(n, 'source');
        if (!spec) continue;
        const sts = this.targets.get(n.id)!.filter((t): t is StreamTask => t instanceof StreamTask);
        const parallelism = this.targets.get(n.id)!.length;
        if (spec.source.createEnumerator) {
          // Splits and their restored positions come from the enumerator in the main thread.
          const id = n.id;
          for (const st of sts) {
            const i = st.info.index;
            const gateway = { register: () => this.listener.readerRegistered?.(id, i), request: () => this.listener.splitRequest?.(id, i) };
            this.sourceTasks.set(st, new SourceTask(st, spec.source, [], spec.watermarks, this, this.config.batchSize, undefined, gateway));
          }
          continue;
        }
        const splits = spec.source.splits(parallelism);
        sts.forEach((st) => {
          const i = st.info.index;
          const mine = splits.filter((_, j) => j % parallelism === i);
          this.sourceTasks.set(st, new SourceTask(st, spec.source, mine, spec.watermarks, this, this.config.batchSize, positions.get(st) ?? undefined));
        });
      }
      for (const st of this.all) await st.open();
      if (this.slot) {
        const slot = this.slot.slot;
        this.links.forEach((link) => link?.port.on('message', (m: LinkMessage) => deliverLinkMessage(link, m, this, slot)));
      }
      onRunning();
      if (started) await Promise.race([started, this.failure]);
      const sinks = this.sinks;
      const loops = [...this.sourceTasks].map(([st, s]) => s.run().catch((e) => this.fail(locateFailure(e, st.info))));
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

/**
 * The runtime runs the chains planning recorded and does not recompute them; a chained edge it
 * could not run as direct calls (a graph changed after planning) is an error, not a silent exchange.
 */
function checkChained(graph: StreamGraph, n: StreamNode, instances: Map<number, unknown[]>): void {
  const e = n.inputs.length === 1 && n.inputs[0]!.length === 1 ? n.inputs[0]![0]! : undefined;
  const up = e && graph.node(e.from);
  if (!e || !up || e.partitioner.type !== 'forward' || e.sideOutput || up.chain !== n.chain || instances.get(up.id)!.length !== instances.get(n.id)!.length) {
    throw new WeirError(
      `Operator '${n.name}' is planned in a chain it cannot run in (it needs one forward input from the previous operator of the chain at equal parallelism)`,
    );
  }
}

/** Adds what only some operators have: user-defined metrics and keyed state size. */
function addUserAndStateMetrics(m: OperatorMetricsSnapshot, sts: readonly ChainedOperator[], now: number): void {
  if (sts.some((s) => s.metrics.user.size > 0)) m.userMetrics = sts.flatMap((s) => s.metrics.user.samples(s.info.index, now));
  let entries: number | undefined;
  let bytes: number | undefined;
  let cacheBytes: number | undefined;
  for (const s of sts) {
    const size = s.stateSize();
    if (!size) continue;
    entries = (entries ?? 0) + size.entries;
    if (size.bytes !== undefined) bytes = (bytes ?? 0) + size.bytes;
    if (size.cacheBytes !== undefined) cacheBytes = (cacheBytes ?? 0) + size.cacheBytes;
  }
  if (entries !== undefined) m.stateEntries = entries;
  if (bytes !== undefined) m.stateBytes = bytes;
  if (cacheBytes !== undefined) m.stateCacheBytes = cacheBytes;
}
