/**
 * Combines the watermarks of several input channels: the combined watermark is the minimum over
 * channels that are not idle, and it never goes back. A channel that ended counts as at the final
 * watermark. When every channel is idle the combined watermark holds.
 */
export class WatermarkCombiner {
  private readonly marks: number[];
  private readonly idle: boolean[];
  private combined = -Infinity;

  constructor(readonly channels: number) {
    this.marks = new Array<number>(channels).fill(-Infinity);
    this.idle = new Array<boolean>(channels).fill(false);
  }

  /** Records channel `ch`'s watermark; returns the new combined watermark if it advanced. */
  update(ch: number, watermark: number): number | undefined {
    if (watermark > this.marks[ch]!) this.marks[ch] = watermark;
    this.idle[ch] = false;
    return this.recompute();
  }

  /** Marks channel `ch` idle or active; returns the new combined watermark if it advanced. */
  setIdle(ch: number, idle: boolean): number | undefined {
    this.idle[ch] = idle;
    return this.recompute();
  }

  get current(): number {
    return this.combined;
  }

  /** True when every channel is idle. */
  get allIdle(): boolean {
    return this.idle.every((x) => x);
  }

  private recompute(): number | undefined {
    let min = Infinity;
    let any = false;
    for (let i = 0; i < this.channels; i++) {
      if (this.idle[i]) continue;
      any = true;
      if (this.marks[i]! < min) min = this.marks[i]!;
    }
    if (!any || min <= this.combined) return undefined;
    this.combined = min;
    return min;
  }
}
