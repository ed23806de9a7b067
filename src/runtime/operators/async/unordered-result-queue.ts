import type { AsyncRequest, ResultQueue, ResultSink } from './async-request.js';

/** Records between two watermarks; `watermark` closes the segment once set. */
class Segment {
  pending = 0;
  ready: AsyncRequest[] = [];
  watermark: number | undefined = undefined;
}

/**
 * Unordered mode: a record leaves as soon as it completes, but never across a watermark. Records
 * are grouped into segments delimited by watermarks; only the first segment emits, and its closing
 * watermark leaves once all of its records have (Flink's `UnorderedStreamElementQueue`).
 */
export class UnorderedResultQueue implements ResultQueue {
  private segments: (Segment | undefined)[] = [];
  private head = 0;
  private records = 0;

  private last(): Segment | undefined {
    return this.segments.length > this.head ? this.segments[this.segments.length - 1] : undefined;
  }

  add(req: AsyncRequest): void {
    let s = this.last();
    if (!s || s.watermark !== undefined) this.segments.push((s = new Segment()));
    s.pending++;
    req.segment = s;
    this.records++;
  }

  addWatermark(watermark: number): void {
    const s = this.last();
    if (s && (s.watermark === undefined || (s.pending === 0 && s.ready.length === 0))) s.watermark = watermark;
    else {
      const w = new Segment();
      w.watermark = watermark;
      this.segments.push(w);
    }
  }

  complete(req: AsyncRequest): void {
    const s = req.segment as Segment;
    req.segment = undefined;
    s.pending--;
    s.ready.push(req);
  }

  drain(sink: ResultSink): void {
    const segs = this.segments;
    let h = this.head;
    while (h < segs.length) {
      const s = segs[h]!;
      const ready = s.ready;
      if (ready.length > 0) {
        for (let i = 0; i < ready.length; i++) sink.emitRecord(ready[i]!);
        this.records -= ready.length;
        s.ready = [];
      }
      if (s.pending > 0 || s.watermark === undefined) break;
      sink.emitWatermark(s.watermark);
      segs[h++] = undefined;
    }
    if (h === segs.length) {
      this.segments = [];
      h = 0;
    } else if (h > 1024 && h * 2 > segs.length) {
      this.segments = segs.slice(h);
      h = 0;
    }
    this.head = h;
  }

  get size(): number {
    return this.records;
  }
  get isEmpty(): boolean {
    const n = this.segments.length - this.head;
    return n === 0 || (n === 1 && this.records === 0 && this.segments[this.head]!.watermark === undefined);
  }
}
