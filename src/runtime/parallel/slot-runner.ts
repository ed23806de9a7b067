import { WeirError } from '../../core/errors.js';
import {
  StateQueryError,
  type CheckpointStats,
  type ExecutionConfig,
  type JobClient,
  type JobResult,
  type JobStatus,
  type OperatorMetricsSnapshot,
} from '../../graph/job-executor.js';
import type { StreamGraph } from '../../graph/stream-graph.js';
import { FsCheckpointStorage } from '../checkpoint/checkpoint-storage.js';
import { JobAttempt } from '../job-attempt.js';
import type { SlotContext } from './slot-context.js';
import { toSlotError } from './slot-error.js';
import { jobLogger } from '../../core/logger.js';
import type { FromSlot, SlotMetrics, ToSlot } from './slot-messages.js';

const METRICS_EVERY_MS = 250;

/** Resolves once the main thread has taken everything written so far to this worker's stdout and stderr. */
function flushStdio(): Promise<unknown> {
  return Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
}

/**
 * The job as one slot worker runs it: this slot's subtasks, driven by the main thread (checkpoints,
 * close, cancel) and reporting to it (acks, metrics, end, failure). `execute()` in the worker never
 * settles: the job module's code after `execute()` runs once, in the main thread.
 */
export class SlotRunner implements JobClient {
  readonly result: Promise<JobResult> = new Promise<JobResult>(() => undefined);
  private attempt: JobAttempt | undefined;
  private control: Promise<void> = Promise.resolve();
  private closeRequested!: () => void;
  private readonly close = new Promise<void>((r) => (this.closeRequested = r));
  private startRequested!: () => void;
  private readonly started = new Promise<void>((r) => (this.startRequested = r));

  constructor(
    private readonly graph: StreamGraph,
    readonly jobName: string,
    private readonly config: ExecutionConfig,
    private readonly slot: SlotContext,
  ) {
    void this.run();
  }

  private post(m: FromSlot): void {
    this.slot.control.postMessage(m);
  }

  private report(): SlotMetrics {
    const a = this.attempt;
    if (!a) return { operators: [], watermark: -Infinity };
    const operators = a.metrics().map((m, i) => ({ ...m, nodeId: this.graph.nodes[i]!.id }));
    return { operators, watermark: a.currentWatermark() };
  }

  private async run(): Promise<void> {
    const slot = this.slot;
    let timer: NodeJS.Timeout | undefined;
    try {
      const restore = slot.restorePath ? await FsCheckpointStorage.load(slot.restorePath) : undefined;
      const config: ExecutionConfig = { ...this.config, restore: { ...this.config.restore, allowNonRestoredState: slot.allowNonRestoredState } };
      const attempt = new JobAttempt(
        this.graph,
        config,
        {
          acknowledge: (id, task, bytes, alignmentMs, syncMs) =>
            this.post({ t: 'ack', id, uid: task.uid, index: task.index, parallelism: task.parallelism, bytes, alignmentMs, syncMs }),
          readerRegistered: (node, index) => this.post({ t: 'reader', node, index }),
          splitRequest: (node, index) => this.post({ t: 'split-request', node, index }),
          log: jobLogger(this.jobName, this.config.settings).child({ slot: slot.slot }),
        },
        restore,
        slot,
      );
      this.attempt = attempt;
      // Control messages are handled one after another: a commit finishes before a close.
      slot.control.on('message', (m: ToSlot) => {
        // A query reads state between two batches of this thread: it need not wait behind a commit.
        if (m.t === 'query') return void this.answer(attempt, m);
        this.control = this.control.then(() => this.onControl(attempt, m)).catch((e) => attempt.fail(e));
      });
      timer = setInterval(() => this.post({ t: 'metrics', m: this.report() }), METRICS_EVERY_MS);
      timer.unref();
      await attempt.run(
        () => this.post({ t: 'running' }),
        async () => {
          this.post({ t: 'sinks-ended' });
          await this.close;
        },
        this.started,
      );
      clearInterval(timer);
      // What the job printed must reach the main thread before it hears the job closed: the
      // worker is not terminated (which would flush its output), and the process may exit next.
      await flushStdio();
      this.post({ t: 'closed', m: this.report() });
      // The worker stays for the next job: let go of this one's ports and state.
      for (const p of slot.peers) p?.close();
      slot.control.close();
      this.attempt = undefined;
    } catch (e) {
      if (timer) clearInterval(timer);
      this.post({ t: 'failed', error: toSlotError(e), m: this.report() });
    }
  }

  private async answer(attempt: JobAttempt, m: Extract<ToSlot, { t: 'query' }>): Promise<void> {
    let reply: FromSlot;
    try {
      reply = { t: 'query-answer', id: m.id, value: await attempt.queryState(m.uid, m.name, m.key) };
    } catch (e) {
      const reason = e instanceof StateQueryError ? e.reason : 'unsupported';
      reply = { t: 'query-answer', id: m.id, error: { reason, message: e instanceof Error ? e.message : String(e) } };
    }
    try {
      this.post(reply);
    } catch (e) {
      // A value the structured clone cannot copy (a function, a class with private fields).
      this.post({ t: 'query-answer', id: m.id, error: { reason: 'unsupported', message: `The state's value cannot be sent from its slot: ${String(e)}` } });
    }
  }

  private async onControl(attempt: JobAttempt, m: ToSlot): Promise<void> {
    switch (m.t) {
      case 'checkpoint':
        attempt.triggerCheckpoint(m.id, m.savepoint);
        return;
      case 'notify':
        await attempt.notifyCheckpointComplete(m.id);
        return;
      case 'aborted':
        attempt.notifyCheckpointAborted(m.id);
        return;
      case 'splits':
        attempt.assignSplits(m.node, m.index, m.splits, m.positions);
        return;
      case 'no-more-splits':
        attempt.noMoreSplits(m.node, m.index);
        return;
      case 'start':
        this.startRequested();
        return;
      case 'close':
        this.closeRequested();
        return;
      case 'cancel':
        attempt.cancel(new WeirError(`Job '${this.jobName}' was cancelled`));
        return;
      case 'query':
        return;
    }
  }

  // The JobClient surface of a slot is not used: the main thread's client speaks for the job.
  status(): JobStatus {
    return 'RUNNING';
  }
  metrics(): OperatorMetricsSnapshot[] {
    return this.attempt?.metrics() ?? [];
  }
  currentWatermark(): number {
    return this.attempt?.currentWatermark() ?? -Infinity;
  }
  async cancel(): Promise<void> {
    this.attempt?.cancel(new WeirError('cancelled'));
  }
  triggerSavepoint(): Promise<string> {
    return Promise.reject(new WeirError('Savepoints are taken by the main thread'));
  }
  checkpoints(): CheckpointStats[] {
    return [];
  }
  restarts(): { at: number; cause: string }[] {
    return [];
  }
  guarantee(): { guarantee: 'none'; reason: string } {
    return { guarantee: 'none', reason: 'the main thread reports the guarantee' };
  }
}
