/**
 * How records move from the subtasks of one operator to the subtasks of the next. `hash` is what
 * `keyBy` produces: records go to the subtask owning the key group of their key.
 */
export type Partitioner =
  | { readonly type: 'forward' }
  /** `keysFromBatch`: the upstream operator has put each record's key in the batch; `key` is not called. */
  | { readonly type: 'hash'; readonly key: (value: any) => unknown; readonly keysFromBatch?: boolean }
  | { readonly type: 'rebalance' }
  | { readonly type: 'rescale' }
  | { readonly type: 'broadcast' }
  | { readonly type: 'global' }
  | { readonly type: 'custom'; readonly key: (value: any) => unknown; readonly partition: (key: any, numPartitions: number) => number };
