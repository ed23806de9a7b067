import type { AsyncRequest } from './async-request.js';

/**
 * Bounds the requests in flight: a request starts at once while fewer than `capacity` run and none
 * wait, otherwise it waits its turn (records of one batch beyond the capacity). `hold()` gives the
 * promise the task waits on while the operator has no room for more input.
 */
export class RequestAdmission {
  inFlight = 0;
  private waiting: AsyncRequest[] = [];
  private head = 0;
  private room: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly capacity: number,
    private readonly start: (req: AsyncRequest) => void,
  ) {}

  admit(req: AsyncRequest): void {
    if (this.inFlight < this.capacity && this.head === this.waiting.length) {
      this.inFlight++;
      this.start(req);
    } else this.waiting.push(req);
  }

  finished(): void {
    this.inFlight--;
  }

  /** Starts waiting requests while there is capacity; a throw names the request through `onError`. */
  startWaiting(onError: (req: AsyncRequest, e: unknown) => never): void {
    const w = this.waiting;
    while (this.inFlight < this.capacity && this.head < w.length) {
      const req = w[this.head]!;
      w[this.head++] = undefined as never;
      this.inFlight++;
      try {
        this.start(req);
      } catch (e) {
        onError(req, e);
      }
    }
    if (this.head === w.length && this.head > 0) {
      this.waiting = [];
      this.head = 0;
    }
  }

  /** A promise that settles when `release` is next called with room. */
  hold(): Promise<void> {
    return (this.room ??= new Promise<void>((r) => (this.wake = r)));
  }

  /** Lets the input go on once fewer than `capacity` records wait to be emitted. */
  release(unemitted: number): void {
    if (!this.wake || unemitted >= this.capacity) return;
    const wake = this.wake;
    this.room = this.wake = undefined;
    wake();
  }
}
