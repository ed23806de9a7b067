import type { SourceReader } from '../../core/source.js';
import { PassThroughOperator } from './pass-through-operator.js';

/**
 * The head of a source subtask: forwards what its reader reads, and tells the reader when a
 * checkpoint completed (as Flink's `SourceOperator`), so it can confirm positions to its system.
 */
export class SourceHeadOperator extends PassThroughOperator {
  /** Set by the source task once it created the reader. */
  reader: SourceReader<unknown> | undefined;

  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return this.reader?.notifyCheckpointComplete?.(checkpointId);
  }
}
