import type { AsyncRequest, ResultQueue, ResultSink } from './async-request.js';

/** Ordered mode: results leave in input order, watermarks exactly where they arrived. */
export class OrderedResultQueue implements ResultQueue {
  private entries: (AsyncRequest | number | undefined)[] = [];
  private head = 0;
  private records = 0;

  add(req: AsyncRequest): void {
    this.entries.push(req);
    this.records++;
  }

  addWatermark(watermark: number): void {
    const e = this.entries;
    // Consecutive watermarks collapse into the latest: watermarks only grow.
    if (e.length > this.head && typeof e[e.length - 1] === 'number') e[e.length - 1] = watermark;
    else e.push(watermark);
  }

  complete(_req: AsyncRequest): void {}

  drain(sink: ResultSink): void {
    const e = this.entries;
    let h = this.head;
    while (h < e.length) {
      const x = e[h]!;
      if (typeof x === 'number') sink.emitWatermark(x);
      else if (x.done) {
        sink.emitRecord(x);
        this.records--;
      } else break;
      e[h++] = undefined;
    }
    if (h === e.length) {
      this.entries = [];
      h = 0;
    } else if (h > 1024 && h * 2 > e.length) {
      this.entries = e.slice(h);
      h = 0;
    }
    this.head = h;
  }

  get size(): number {
    return this.records;
  }
  get isEmpty(): boolean {
    return this.head === this.entries.length;
  }
}
