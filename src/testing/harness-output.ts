import type { OutputTag } from '../core/functions.js';
import { EdgeRouter } from '../runtime/edge-router.js';
import type { SubtaskOutput } from '../runtime/subtask-output.js';
import { CollectingChannel, type TimestampedValue } from './collecting-channel.js';
import { SideOutputChannels } from './side-output-channels.js';

/** Everything a harnessed operator emitted: main output, side outputs and watermarks, in order. */
export class HarnessOutput<OUT> {
  private readonly main = new CollectingChannel<OUT>();
  private readonly sides: SideOutputChannels;

  /** Connects collecting channels to a subtask's output, where a job would have the next operators. */
  constructor(output: SubtaskOutput, maxParallelism: number, operatorName: string) {
    output.main.push(new EdgeRouter({ type: 'forward' }, [{ target: this.main, index: 0 }], maxParallelism, operatorName));
    this.sides = new SideOutputChannels(maxParallelism, operatorName);
    Object.assign(output, { side: this.sides });
  }

  records(): TimestampedValue<OUT>[] {
    return this.main.records;
  }

  values(): OUT[] {
    return this.main.records.map((r) => r.value);
  }

  side<X>(tag: OutputTag<X>): TimestampedValue<X>[] {
    return (this.sides.channels.get(tag.id)?.records ?? []) as TimestampedValue<X>[];
  }

  watermarks(): number[] {
    return this.main.watermarks;
  }

  clear(): void {
    this.main.clear();
    for (const ch of this.sides.channels.values()) ch.clear();
  }
}
