/** Names a subtask in a checkpoint: which operator, which of its parallel instances. */
export interface TaskRef {
  readonly uid: string;
  readonly index: number;
  readonly parallelism: number;
}

/**
 * The key two references to the same subtask share, however they were built (a reference that
 * crossed a thread boundary is a new object).
 *
 * @example
 * taskKey({ uid: 'window-3', index: 1, parallelism: 4 }); // 'window-3#1'
 */
export function taskKey(task: TaskRef): string {
  return `${task.uid}#${task.index}`;
}
