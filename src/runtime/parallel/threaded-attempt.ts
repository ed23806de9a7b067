import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type Worker, type MessagePort } from 'node:worker_threads';
import { WeirError } from '../../core/errors.js';
import type { SourceSplit } from '../../core/source.js';
import {
  StateQueryError,
  type ExecutionConfig,
  type OperatorMetricsSnapshot,
  type SubtaskWatermarks,
  type UserMetricSample,
} from '../../graph/job-executor.js';
import type { StreamGraph } from '../../graph/stream-graph.js';
import type { Attempt, AttemptListener } from '../attempt.js';

import type { FromSlot, SlotMetrics, ToSlot } from './slot-messages.js';
import type { SlotJobMessage, SlotWorkerData } from './slot-worker.js';
import { acquireSlotWorker, releaseSlotWorker } from './slot-pool.js';
import { fromSlotError } from './slot-error.js';
import { LOG_FORMAT_ENV, LOG_LEVEL_ENV, loggingSettings } from '../../core/logger.js';
import { DEFAULT_MAX_PARALLELISM, keyGroupFor, subtaskForKeyGroup } from '../../core/key-group.js';
import { operatorUid, parallelismOf } from '../graph-layout.js';
import { JOB_MODULE_HOOKS_URL } from './job-module-hooks.js';

export interface ThreadedAttemptOptions {
  readonly jobModule: string;
  readonly slots: number;
  readonly restorePath: string | undefined;
  readonly defaults: Record<string, unknown>;
  readonly argv: string[];
}

/**
 * A worker entry that first enables TypeScript (job files are usually .ts, and tsx's loader does not
 * reach worker threads by itself) and loads job files as ES modules, as the CLI does, then imports `entry`.
 */
export function workerBootstrapUrl(entry: string): URL {
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const code = `import { register } from ${JSON.stringify(tsx)}; import { register as hooks } from 'node:module'; register(); hooks(${JSON.stringify(JOB_MODULE_HOOKS_URL)}); await import(${JSON.stringify(entry)});`;
  return new URL('data:text/javascript,' + encodeURIComponent(code));
}

/**
 * A worker's young generation is small by default; pipelines allocate batches and records at a high
 * rate, and with the default a slot ran the same job about 35% slower than the main thread. Nexmark
 * q5 at p=2 over young generations of 6, 12, 24, 64, 96, 128 and 256 MB (docs/performance.md):
 * best at 128 MB (5.2M events/s on average against 4.6M at 64 MB; 256 MB fell back to 4.6M).
 */
const SLOT_LIMITS = { maxYoungGenerationSizeMb: 128 };

/**
 * How long a failed or cancelled attempt waits for its slots to close their subtasks (sinks finish
 * or keep what they wrote) before it terminates the workers; a slot stuck in user code is stopped then.
 */
const CLOSE_GRACE_MS = 3000;

function bootstrapUrl(): URL {
  const here = import.meta.url;
  return workerBootstrapUrl(new URL(here.endsWith('.ts') ? './slot-worker.ts' : './slot-worker.js', here).href);
}

/**
 * One execution attempt spread over worker threads ("slots"): the main thread starts one worker
 * per slot, connects every pair with a MessageChannel, relays checkpoint commands and acks, and
 * collects metrics. Any worker failing, or exiting unexpectedly, fails the attempt and stops all.
 */
export class ThreadedAttempt implements Attempt {
  failed = false;
  private error: unknown;
  private workers: Worker[] = [];
  private controls: MessagePort[] = [];
  private readonly slotMetrics: (SlotMetrics | undefined)[] = [];
  /** Live state queries sent to a slot and not answered yet, by id. */
  private readonly queries = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private nextQuery = 0;
  private rejectFailure!: (e: unknown) => void;
  private readonly failure = new Promise<never>((_, rej) => (this.rejectFailure = rej));

  constructor(
    private readonly graph: StreamGraph,
    private readonly config: ExecutionConfig,
    private readonly listener: AttemptListener,
    private readonly options: ThreadedAttemptOptions,
  ) {
    this.failure.catch(() => undefined);
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    for (const q of this.queries.values()) q.reject(new StateQueryError('not-running', 'The job stopped before the query was answered'));
    this.queries.clear();
    this.rejectFailure(error);
  }
  cancel(error: unknown): void {
    this.broadcast({ t: 'cancel' });
    this.fail(error);
  }

  private broadcast(m: ToSlot): void {
    for (const c of this.controls) c.postMessage(m);
  }

  triggerCheckpoint(id: number, savepoint: boolean): void {
    this.broadcast({ t: 'checkpoint', id, savepoint });
  }
  async notifyCheckpointComplete(id: number): Promise<void> {
    this.broadcast({ t: 'notify', id });
  }
  notifyCheckpointAborted(id: number): void {
    this.broadcast({ t: 'aborted', id });
  }

  /** Reader `index` runs in slot `index % slots` (one subtask of each operator per slot). */
  assignSplits(node: number, index: number, splits: SourceSplit[], positions: Record<string, unknown> | undefined): void {
    this.controls[index % this.options.slots]?.postMessage({ t: 'splits', node, index, splits, positions } satisfies ToSlot);
  }
  noMoreSplits(node: number, index: number): void {
    this.controls[index % this.options.slots]?.postMessage({ t: 'no-more-splits', node, index } satisfies ToSlot);
  }

  metrics(): OperatorMetricsSnapshot[] {
    return this.graph.nodes.map((n) => {
      let recordsIn = 0;
      let recordsOut = 0;
      let busyMs = 0;
      let busyTimeMs = 0;
      let backPressuredTimeMs = 0;
      const subtasks: SubtaskWatermarks[] = [];
      const counters: Record<string, number> = {};
      const userMetrics: UserMetricSample[] = [];
      let stateEntries: number | undefined;
      let stateBytes: number | undefined;
      let stateCacheBytes: number | undefined;
      for (const sm of this.slotMetrics) {
        const m = sm?.operators.find((o) => o.nodeId === n.id);
        if (!m) continue;
        recordsIn += m.recordsIn;
        recordsOut += m.recordsOut;
        busyMs = Math.max(busyMs, m.busyMs);
        busyTimeMs += m.busyTimeMs ?? 0;
        backPressuredTimeMs += m.backPressuredTimeMs ?? 0;
        subtasks.push(...(m.subtasks ?? []));
        for (const [k, v] of Object.entries(m.counters)) counters[k] = (counters[k] ?? 0) + v;
        if (m.userMetrics) userMetrics.push(...m.userMetrics);
        if (m.stateEntries !== undefined) stateEntries = (stateEntries ?? 0) + m.stateEntries;
        if (m.stateBytes !== undefined) stateBytes = (stateBytes ?? 0) + m.stateBytes;
        if (m.stateCacheBytes !== undefined) stateCacheBytes = (stateCacheBytes ?? 0) + m.stateCacheBytes;
      }
      subtasks.sort((a, b) => a.index - b.index);
      userMetrics.sort((a, b) => a.subtask - b.subtask);
      // The planned parallelism, not the sum of reports: a slot that failed first may not have reported.
      return {
        name: n.name,
        parallelism: parallelismOf(n, this.config),
        recordsIn,
        recordsOut,
        busyMs,
        counters,
        busyTimeMs,
        backPressuredTimeMs,
        subtasks,
        ...(userMetrics.length > 0 ? { userMetrics } : {}),
        ...(stateEntries !== undefined ? { stateEntries } : {}),
        ...(stateBytes !== undefined ? { stateBytes } : {}),
        ...(stateCacheBytes !== undefined ? { stateCacheBytes } : {}),
      };
    });
  }

  /**
   * Asks the slot that runs the subtask owning `key` (subtask `i` runs in slot `i % slots`); that
   * slot reads the state between two of its batches, as a query in this thread would.
   */
  queryState(uid: string, name: string, key: unknown): Promise<unknown> {
    const node = this.graph.nodes.find((n) => operatorUid(n) === uid);
    if (!node) return Promise.reject(new StateQueryError('unknown', `No operator with uid '${uid}'`));
    if (!node.keyed) return Promise.reject(new StateQueryError('unknown', `Operator '${node.name}' (uid '${uid}') has no keyed state`));
    if (this.failed) return Promise.reject(new StateQueryError('not-running', 'The job is not running'));
    const maxParallelism = node.maxParallelism ?? (this.config.maxParallelism || DEFAULT_MAX_PARALLELISM);
    const owner = subtaskForKeyGroup(maxParallelism, parallelismOf(node, this.config), keyGroupFor(key, maxParallelism));
    const control = this.controls[owner % this.options.slots];
    if (!control) return Promise.reject(new StateQueryError('not-running', 'The job is not running yet'));
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      this.queries.set(id, { resolve, reject });
      control.postMessage({ t: 'query', id, uid, name, key } satisfies ToSlot);
    });
  }

  private answered(m: Extract<FromSlot, { t: 'query-answer' }>): void {
    const q = this.queries.get(m.id);
    if (!q) return;
    this.queries.delete(m.id);
    if (m.error) q.reject(new StateQueryError(m.error.reason, m.error.message));
    else q.resolve(m.value);
  }

  currentWatermark(): number {
    let w = Infinity;
    for (const sm of this.slotMetrics) if (sm) w = Math.min(w, sm.watermark);
    return w === Infinity ? -Infinity : w;
  }

  async run(onRunning: () => void, beforeClose?: () => Promise<void>): Promise<void> {
    const n = this.options.slots;
    const peers: (MessagePort | undefined)[][] = Array.from({ length: n }, () => new Array<MessagePort | undefined>(n).fill(undefined));
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const { port1, port2 } = new MessageChannel();
        peers[a]![b] = port1;
        peers[b]![a] = port2;
      }
    }
    let running = 0;
    let ended = 0;
    let closed = 0;
    // Per started slot: settles once it closed its subtasks, failed, or its worker exited.
    const stopped: Promise<void>[] = [];
    let allRunning!: () => void;
    let allEnded!: () => void;
    let allClosed!: () => void;
    const runningP = new Promise<void>((r) => (allRunning = r));
    const endedP = new Promise<void>((r) => (allEnded = r));
    const closedP = new Promise<void>((r) => (allClosed = r));
    const url = bootstrapUrl();
    const logging = loggingSettings();
    try {
      for (let slot = 0; slot < n; slot++) {
        const { port1: control, port2: workerControl } = new MessageChannel();
        const data: SlotWorkerData = {
          jobModule: this.options.jobModule,
          slot,
          slots: n,
          peers: peers[slot]!,
          control: workerControl,
          restorePath: this.options.restorePath,
          allowNonRestoredState: this.config.restore?.allowNonRestoredState === true,
          defaults: this.options.defaults,
          argv: this.options.argv,
          // The worker logs as this thread does: the level and format set here (a flag, a terminal) reach it so.
          env: { ...process.env, [LOG_LEVEL_ENV]: logging.level, [LOG_FORMAT_ENV]: logging.format },
        };
        const transfer = [workerControl, ...peers[slot]!.filter((p): p is MessagePort => p !== undefined)];
        const worker = acquireSlotWorker(url, SLOT_LIMITS);
        worker.postMessage({ t: 'job', data } satisfies SlotJobMessage, transfer);
        this.workers.push(worker);
        this.controls.push(control);
        let slotStopped!: () => void;
        stopped.push(new Promise<void>((r) => (slotStopped = r)));
        control.on('message', (m: FromSlot) => {
          switch (m.t) {
            case 'running':
              if (++running === n) allRunning();
              break;
            case 'ack':
              this.listener.acknowledge(m.id, { uid: m.uid, index: m.index, parallelism: m.parallelism }, m.bytes, m.alignmentMs, m.syncMs);
              break;
            case 'reader':
              this.listener.readerRegistered?.(m.node, m.index);
              break;
            case 'split-request':
              this.listener.splitRequest?.(m.node, m.index);
              break;
            case 'metrics':
              this.slotMetrics[slot] = m.m;
              break;
            case 'query-answer':
              this.answered(m);
              break;
            case 'sinks-ended':
              if (++ended === n) allEnded();
              break;
            case 'closed':
              this.slotMetrics[slot] = m.m;
              slotStopped();
              if (++closed === n) allClosed();
              break;
            case 'failed':
              if (m.m) this.slotMetrics[slot] = m.m;
              slotStopped();
              this.fail(fromSlotError(m.error));
              break;
          }
        });
        worker.on('error', (e) => this.fail(e));
        worker.on('exit', (code) => {
          slotStopped();
          if (closed < n && !this.failed) this.fail(new WeirError(`Slot ${slot} (worker thread) exited with code ${code} before the job finished`));
        });
      }
      await Promise.race([runningP, this.failure]);
      // Sources start only once every slot has opened its subtasks.
      this.broadcast({ t: 'start' });
      onRunning();
      await Promise.race([endedP, this.failure]);
      if (beforeClose) await Promise.race([beforeClose(), this.failure]);
      this.broadcast({ t: 'close' });
      await Promise.race([closedP, this.failure]);
    } catch (e) {
      this.fail(e);
    } finally {
      // Workers of a job that finished cleanly wait for the next job; others are stopped, once their
      // slots closed their subtasks (so sinks keep what they wrote) or the grace period ran out.
      if (this.failed) {
        this.broadcast({ t: 'cancel' });
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(stopped), new Promise<void>((r) => (grace = setTimeout(r, CLOSE_GRACE_MS)))]);
        clearTimeout(grace);
        await Promise.all(this.workers.map((w) => w.terminate()));
      } else for (const w of this.workers) releaseSlotWorker(w);
      for (const c of this.controls) c.close();
    }
    if (this.failed) throw this.error;
  }
}
