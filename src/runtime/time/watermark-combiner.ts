/**
 * Combines the watermarks of several input channels. The combined watermark is the minimum over
 * the channels that are active (neither idle nor ended), and it never goes back.
 *
 * - An idle channel does not hold the watermark back; when it becomes active again its watermark
 *   counts from then on (records it sends behind the combined watermark are late).
 * - When every open channel is idle, the combined watermark holds: it does not jump ahead of an
 *   input that may still send data.
 * - An ended channel no longer counts. When all channels have ended, the result is `Infinity`
 *   (the final watermark). An ended channel never releases idle ones: a union of a finished bounded
 *   input and an idle one waits for the idle one, unlike Flink, where the finished input's final
 *   watermark would make everything the idle input sends later late.
 *
 * @example
 * const c = new WatermarkCombiner(2);
 * c.update(0, 10); // undefined: channel 1 is still at -Infinity
 * c.setIdle(1, true); // 10
 */
export class WatermarkCombiner {
  private readonly marks: number[];
  private readonly idle: boolean[];
  private readonly ended: boolean[];
  private combined = -Infinity;

  constructor(readonly channels: number) {
    this.marks = new Array<number>(channels).fill(-Infinity);
    this.idle = new Array<boolean>(channels).fill(false);
    this.ended = new Array<boolean>(channels).fill(false);
  }

  /** Records channel `ch`'s watermark (which makes it active); returns the combined watermark if it advanced. */
  update(ch: number, watermark: number): number | undefined {
    if (this.ended[ch]) return undefined;
    // The final watermark arrives just before the channel ends and means the same: it must not
    // release idle channels either.
    if (watermark === Infinity) return this.end(ch);
    if (watermark > this.marks[ch]!) this.marks[ch] = watermark;
    this.idle[ch] = false;
    return this.recompute();
  }

  /** Marks channel `ch` idle or active; returns the combined watermark if it advanced. */
  setIdle(ch: number, idle: boolean): number | undefined {
    if (this.ended[ch]) return undefined;
    this.idle[ch] = idle;
    return this.recompute();
  }

  /** Channel `ch` ended; returns the combined watermark if it advanced. */
  end(ch: number): number | undefined {
    this.ended[ch] = true;
    return this.recompute();
  }

  get current(): number {
    return this.combined;
  }

  /** True when some channel is still open and every open channel is idle. */
  get allIdle(): boolean {
    let open = false;
    for (let i = 0; i < this.channels; i++) {
      if (this.ended[i]) continue;
      if (!this.idle[i]) return false;
      open = true;
    }
    return open;
  }

  private recompute(): number | undefined {
    let min = Infinity;
    let open = false;
    let active = false;
    for (let i = 0; i < this.channels; i++) {
      if (this.ended[i]) continue;
      open = true;
      if (this.idle[i]) continue;
      active = true;
      if (this.marks[i]! < min) min = this.marks[i]!;
    }
    if (open && !active) return undefined;
    if (min <= this.combined) return undefined;
    this.combined = min;
    return min;
  }
}
