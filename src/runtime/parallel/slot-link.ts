import type { MessagePort } from 'node:worker_threads';
import type { Batch } from '../../core/batch.js';
import { batchElement, type ControlElement, type StreamElement } from '../../core/stream-element.js';
import type { ChannelTarget } from '../edge-router.js';
import { encodeElement } from './element-codec.js';
import type { LinkMessage } from './slot-messages.js';

/** Data messages a sender may have in flight to one peer before it must wait for credit. */
const CREDITS = 32;
/** The receiver returns credit in bulk. */
const CREDIT_BATCH = 4;

/**
 * One direction of a slot pair's port, with credit-based flow control: a sender spends a credit
 * per data message and, when none are left, asks its task to wait (`block`) until the receiver
 * returns credit after processing. Control elements (watermarks, barriers, end) are never held back,
 * and per-port ordering keeps them in place relative to the data.
 */
export class SlotLink {
  private credits = CREDITS;
  private waiting: { promise: Promise<void>; resolve: () => void } | undefined;
  private processed = 0;
  /** Messages from the peer waiting until this slot's operators can take more (see slot-inbox.ts). */
  readonly queued: LinkMessage[] = [];
  draining = false;
  /** Messages received and sent, for metrics. */
  sent = 0;

  constructor(
    readonly port: MessagePort,
    private readonly block: (p: Promise<unknown>) => void,
  ) {}

  sendData(m: LinkMessage, transfer: ArrayBuffer[]): void {
    this.port.postMessage(m, transfer);
    this.sent++;
    if (--this.credits <= 0 && !this.waiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiting = { promise, resolve };
      this.block(promise);
    }
  }

  sendControl(m: LinkMessage): void {
    this.port.postMessage(m);
  }

  onCredit(c: number): void {
    this.credits += c;
    if (this.credits > 0 && this.waiting) {
      this.waiting.resolve();
      this.waiting = undefined;
    }
  }

  /** The receiver processed one batch from the peer. */
  processedOne(): void {
    if (++this.processed >= CREDIT_BATCH) {
      this.port.postMessage({ t: 'c', c: this.processed } satisfies LinkMessage);
      this.processed = 0;
    }
  }
}

/**
 * How long a watermark for another slot may wait for a newer one to replace it. Sources emit one
 * after every batch (about 7,000 a second per slot in Nexmark q5 at p=2, ten for each batch of
 * data sent), and each crossing costs a message and a wake-up on both sides; a later watermark
 * says all an earlier one says, so only the newest one pending is sent.
 */
export const WATERMARK_HOLD_MS = 5;

/**
 * Stands for a subtask that runs in another slot. It numbers channels exactly as the real subtask
 * does (every slot builds the same graph), and forwards what it receives over the link.
 *
 * Watermarks wait up to {@link WATERMARK_HOLD_MS}, replaced by newer ones, and leave before any
 * other element of this subtask: data never overtakes a watermark sent before it, and no watermark
 * is delivered out of order. Skipping intermediate watermarks is what a watermark allows (it is a
 * bound, and the newest bound holds everything the older ones did).
 */
export class RemoteSubtask implements ChannelTarget {
  private channels = 0;
  /** Per channel, the newest watermark not sent yet. */
  private readonly held: (ControlElement | undefined)[] = [];
  private holding = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly node: number,
    private readonly index: number,
    private readonly link: SlotLink,
  ) {}

  addChannel(_input: number): number {
    return this.channels++;
  }
  receiveBatch(ch: number, batch: Batch<unknown>): void {
    if (this.holding) this.releaseWatermarks();
    this.send(ch, batchElement(batch));
  }
  receiveControl(ch: number, element: ControlElement): void {
    if (element.kind === 'watermark') {
      this.held[ch] = element;
      if (!this.holding) {
        this.holding = true;
        this.timer = setTimeout(() => this.releaseWatermarks(), WATERMARK_HOLD_MS);
      }
      return;
    }
    if (this.holding) this.releaseWatermarks();
    this.send(ch, element);
  }

  /** Sends the watermarks held, now. */
  private releaseWatermarks(): void {
    if (!this.holding) return;
    this.holding = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.held;
    for (let ch = 0; ch < held.length; ch++) {
      const w = held[ch];
      if (w === undefined) continue;
      held[ch] = undefined;
      this.send(ch, w);
    }
  }

  /** Batches spend credit; control elements do not (see {@link SlotLink}). */
  private send(ch: number, element: StreamElement): void {
    const transfer: ArrayBuffer[] = [];
    const m: LinkMessage = { t: 'e', n: this.node, d: this.index, ch, e: encodeElement(element, transfer) };
    if (element.kind === 'batch') this.link.sendData(m, transfer);
    else this.link.sendControl(m);
  }
}
