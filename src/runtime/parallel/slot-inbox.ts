import { Batch } from '../../core/batch.js';
import { Subtask } from '../subtask.js';
import { decodeValues } from './batch-codec.js';
import type { RemoteSubtask, SlotLink } from './slot-link.js';
import type { LinkMessage } from './slot-messages.js';

/** The receiving side of a slot's links: where messages from other slots go. */
export interface SlotInbox {
  readonly failed: boolean;
  fail(error: unknown): void;
  /** Per node, every subtask index: local subtasks and stand-ins for remote ones. */
  target(node: number, index: number): Subtask | RemoteSubtask | undefined;
}

/** Hands one message from another slot to the local subtask it is for, and returns credit for data. */
export function deliverLinkMessage(link: SlotLink, m: LinkMessage, inbox: SlotInbox, slot: number): void {
  if (m.t === 'c') return link.onCredit(m.c);
  if (inbox.failed) return;
  const st = inbox.target(m.n, m.d);
  if (!(st instanceof Subtask)) return inbox.fail(new Error(`Slot ${slot} got input for subtask ${m.d} of node ${m.n}, which it does not run`));
  try {
    switch (m.t) {
      case 'b':
        st.receiveBatch(m.ch, new Batch(decodeValues(m.v), Array.from(new Float64Array(m.ts)), m.k && decodeValues(m.k), m.rk && new Uint8Array(m.rk)));
        link.processedOne();
        break;
      case 'w':
        st.receiveWatermark(m.ch, m.w);
        break;
      case 'i':
        st.receiveIdle(m.ch, m.idle);
        break;
      case 'x':
        st.receiveBarrier(m.ch, m.id, m.sp);
        break;
      case 'e':
        st.receiveEnd(m.ch);
        break;
    }
  } catch (e) {
    inbox.fail(st.wrap(e));
  }
}
