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
 * Stands for a subtask that runs in another slot. It numbers channels exactly as the real subtask
 * does (every slot builds the same graph), and forwards what it receives over the link.
 */
export class RemoteSubtask implements ChannelTarget {
  private channels = 0;
  constructor(
    private readonly node: number,
    private readonly index: number,
    private readonly link: SlotLink,
  ) {}

  addChannel(_input: number): number {
    return this.channels++;
  }
  receiveBatch(ch: number, batch: Batch<unknown>): void {
    this.send(ch, batchElement(batch));
  }
  receiveControl(ch: number, element: ControlElement): void {
    this.send(ch, element);
  }

  /** Batches spend credit; control elements do not (see {@link SlotLink}). */
  private send(ch: number, element: StreamElement): void {
    const transfer: ArrayBuffer[] = [];
    const m: LinkMessage = { t: 'e', n: this.node, d: this.index, ch, e: encodeElement(element, transfer) };
    if (element.kind === 'batch') this.link.sendData(m, transfer);
    else this.link.sendControl(m);
  }
}
