import type { Logger } from '../core/logger.js';
import type { SourceSplit } from '../core/source.js';
import type { OperatorMetricsSnapshot } from '../graph/job-executor.js';
import type { TaskRef } from './checkpoint/task-ref.js';

export type { TaskRef };

export interface AttemptListener {
  acknowledge(id: number, task: TaskRef, state: Uint8Array, alignmentMs: number, syncMs: number): void;
  /** A reader of source `node` with an enumerator opened (subtask `index`). */
  readerRegistered?(node: number, index: number): void;
  /** That reader is idle and asks its enumerator for a split. */
  splitRequest?(node: number, index: number): void;
  /** The job's logger: an attempt in this thread logs its failure there, naming the operator and subtask. */
  readonly log?: Logger;
}

/** What the job runner needs from an execution attempt, in this thread or across slot workers. */
export interface Attempt {
  readonly failed: boolean;
  run(onRunning: () => void, beforeClose?: () => Promise<void>): Promise<void>;
  fail(error: unknown): void;
  cancel(error: unknown): void;
  triggerCheckpoint(id: number, savepoint: boolean): void;
  notifyCheckpointComplete(id: number): Promise<void>;
  notifyCheckpointAborted(id: number): void;
  /** Hands splits an enumerator assigned to reader `index` of source `node`, with restored positions. */
  assignSplits(node: number, index: number, splits: SourceSplit[], positions: Record<string, unknown> | undefined): void;
  noMoreSplits(node: number, index: number): void;
  metrics(): OperatorMetricsSnapshot[];
  currentWatermark(): number;
  /** See `JobClient.queryState`. */
  queryState(uid: string, name: string, key: unknown): Promise<unknown>;
}
