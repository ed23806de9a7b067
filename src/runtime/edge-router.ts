import { Batch } from '../core/batch.js';
import { keyGroupFor, subtaskForKeyGroup } from '../core/key-group.js';
import { UserFunctionError } from '../core/errors.js';
import type { ControlElement, StreamElement } from '../core/stream-element.js';
import type { Partitioner } from '../graph/partitioner.js';

/**
 * The receiving end of one channel: a downstream subtask and the channel index it knows us by.
 * Batches have their own method so the record path allocates no element per batch; every other
 * element arrives through `receiveControl`. Code holding a {@link StreamElement} calls {@link deliver}.
 */
export interface ChannelTarget {
  receiveBatch(channel: number, batch: Batch<unknown>): void;
  receiveControl(channel: number, element: ControlElement): void;
}

/** Hands any element to `target`: the one place that tells a batch from a control element. */
export function deliver(target: ChannelTarget, channel: number, element: StreamElement): void {
  if (element.kind === 'batch') target.receiveBatch(channel, element.batch);
  else target.receiveControl(channel, element);
}
export interface Channel {
  readonly target: ChannelTarget;
  readonly index: number;
}

/**
 * Sends one upstream subtask's output along one edge to the downstream subtasks it is connected to.
 * Control elements go to every connected channel; batches are split by the partitioner.
 */
export class EdgeRouter {
  private rr = 0;
  /** Scratch for keyed routing: the target channel of each record (read before anything is delivered). */
  private targets = new Int32Array(0);
  constructor(
    private readonly partitioner: Partitioner,
    /** Connected channels, in downstream subtask order. */
    private readonly channels: Channel[],
    private readonly maxParallelism: number,
    private readonly operatorName: string,
  ) {}

  route(batch: Batch<unknown>): void {
    const chs = this.channels;
    const p = this.partitioner;
    switch (p.type) {
      // Global: data to the first subtask; every subtask stays connected for watermarks and end of input.
      case 'forward':
      case 'global':
        chs[0]!.target.receiveBatch(chs[0]!.index, batch);
        return;
      case 'broadcast':
        for (const c of chs) c.target.receiveBatch(c.index, batch);
        return;
      case 'rebalance':
      case 'rescale': {
        const c = chs[this.rr++ % chs.length]!;
        c.target.receiveBatch(c.index, batch);
        return;
      }
      case 'hash':
      case 'custom':
        this.routeKeyed(batch, p);
        return;
    }
  }

  private routeKeyed(batch: Batch<unknown>, p: Extract<Partitioner, { type: 'hash' | 'custom' }>): void {
    const { values, timestamps, kinds } = batch;
    const n = values.length;
    const keys = p.type === 'hash' && p.keysFromBatch ? batch.keys! : this.extractKeys(values, p.key);
    const chs = this.channels;
    if (chs.length === 1) {
      chs[0]!.target.receiveBatch(chs[0]!.index, new Batch(values, timestamps, keys, kinds));
      return;
    }
    // Two passes, target per record then exact-size arrays per channel: growing arrays by push
    // left garbage in proportion to the batch, and a batch that goes to one channel (a window's
    // results keyed by its end) is passed on whole.
    const par = chs.length;
    if (this.targets.length < n) this.targets = new Int32Array(n);
    const targets = this.targets;
    // Per call, not scratch: delivering to one channel must not be able to change another's count.
    const counts = new Int32Array(par);
    const hash = p.type === 'hash';
    const maxP = this.maxParallelism;
    for (let j = 0; j < n; j++) {
      const t = hash
        ? subtaskForKeyGroup(maxP, par, keyGroupFor(keys[j], maxP))
        : this.customTarget(p as Extract<Partitioner, { type: 'custom' }>, keys[j], par);
      targets[j] = t;
      counts[t]!++;
    }
    for (let c = 0; c < par; c++) {
      if (counts[c] === n) {
        chs[c]!.target.receiveBatch(chs[c]!.index, new Batch(values, timestamps, keys, kinds));
        return;
      }
    }
    const vs: unknown[][] = new Array(par);
    const ts: number[][] = new Array(par);
    const ks: unknown[][] = new Array(par);
    const fill = new Int32Array(par);
    for (let c = 0; c < par; c++) {
      const m = counts[c]!;
      vs[c] = new Array<unknown>(m);
      ts[c] = new Array<number>(m);
      ks[c] = new Array<unknown>(m);
    }
    for (let j = 0; j < n; j++) {
      const t = targets[j]!;
      const at = fill[t]!++;
      vs[t]![at] = values[j];
      ts[t]![at] = timestamps[j]!;
      ks[t]![at] = keys[j];
    }
    // A changelog's row kinds follow their rows; insert-only batches skip this pass.
    const rk = kinds === undefined ? undefined : splitKinds(kinds, targets, counts, n);
    for (let c = 0; c < par; c++) {
      if (counts[c]! > 0) chs[c]!.target.receiveBatch(chs[c]!.index, new Batch(vs[c]!, ts[c]!, ks[c]!, rk?.[c]));
    }
  }

  private customTarget(p: Extract<Partitioner, { type: 'custom' }>, key: unknown, par: number): number {
    const t = p.partition(key, par);
    if (!Number.isInteger(t) || t < 0 || t >= par)
      throw new UserFunctionError(
        `${this.operatorName} (custom partitioner)`,
        key,
        new RangeError(`partition() returned ${String(t)}, not a channel in 0..${par - 1}`),
      );
    return t;
  }

  private extractKeys(values: unknown[], keyFn: (value: unknown) => unknown): unknown[] {
    const n = values.length;
    const keys = new Array<unknown>(n);
    let i = 0;
    try {
      for (; i < n; i++) keys[i] = keyFn(values[i]);
    } catch (e) {
      throw new UserFunctionError(`${this.operatorName} (key selector)`, values[i], e);
    }
    return keys;
  }

  /** A control element goes to every connected channel (the same immutable object to each). */
  control(element: ControlElement): void {
    const chs = this.channels;
    for (let i = 0; i < chs.length; i++) chs[i]!.target.receiveControl(chs[i]!.index, element);
  }
}

/** Row kinds per channel, in the order the records go there. */
function splitKinds(kinds: Uint8Array, targets: Int32Array, counts: Int32Array, n: number): Uint8Array[] {
  const out = Array.from(counts, (m) => new Uint8Array(m));
  const fill = new Int32Array(counts.length);
  for (let j = 0; j < n; j++) {
    const t = targets[j]!;
    out[t]![fill[t]!++] = kinds[j]!;
  }
  return out;
}
