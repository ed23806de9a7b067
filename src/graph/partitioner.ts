/**
 * How records move from the subtasks of one operator to the subtasks of the next. `hash` is what
 * `keyBy` produces: records go to the subtask owning the key group of their key.
 */
export type Partitioner =
  | { readonly type: 'forward' }
  | { readonly type: 'hash'; readonly key: (value: any) => unknown }
  | { readonly type: 'rebalance' }
  | { readonly type: 'rescale' }
  | { readonly type: 'broadcast' }
  | { readonly type: 'global' }
  | { readonly type: 'custom'; readonly key: (value: any) => unknown; readonly partition: (key: any, numPartitions: number) => number };
