import { deliver } from '../edge-router.js';
import { StreamTask } from '../stream-task.js';
import { decodeElement } from './element-codec.js';
import type { RemoteSubtask, SlotLink } from './slot-link.js';
import type { LinkMessage } from './slot-messages.js';

/** The receiving side of a slot's links: where messages from other slots go. */
export interface SlotInbox {
  readonly failed: boolean;
  fail(error: unknown): void;
  /** Per chain head, every subtask index: local tasks and stand-ins for remote ones. */
  target(node: number, index: number): StreamTask | RemoteSubtask | undefined;
  /** Settles when no operator in this slot waits (a sink write, async I/O); undefined when none does. */
  operatorsIdle(): Promise<void> | undefined;
}

/**
 * Hands one message from another slot to the local subtask it is for, and returns credit for data.
 * While an operator of this slot waits (a sink write, async I/O at capacity), messages from the peer
 * queue up on its link in arrival order instead: the peer has at most its credit in flight, so a
 * slow sink here slows the sources of the sending slot instead of receiving writes it cannot take.
 */
export function deliverLinkMessage(link: SlotLink, m: LinkMessage, inbox: SlotInbox, slot: number): void {
  if (m.t === 'c') return link.onCredit(m.c);
  if (link.queued.length > 0 || inbox.operatorsIdle() !== undefined) {
    link.queued.push(m);
    drainWhenIdle(link, inbox, slot);
    return;
  }
  deliverNow(link, m, inbox, slot);
}

/** Delivers a link's queued messages in order, pausing whenever an operator of the slot waits. */
function drainWhenIdle(link: SlotLink, inbox: SlotInbox, slot: number): void {
  if (link.draining) return;
  link.draining = true;
  const step = (): void => {
    while (link.queued.length > 0) {
      const busy = inbox.operatorsIdle();
      if (busy !== undefined) {
        void busy.then(step);
        return;
      }
      deliverNow(link, link.queued.shift()!, inbox, slot);
    }
    link.draining = false;
  };
  step();
}

function deliverNow(link: SlotLink, m: LinkMessage, inbox: SlotInbox, slot: number): void {
  if (inbox.failed || m.t === 'c') return;
  const st = inbox.target(m.n, m.d);
  if (!(st instanceof StreamTask)) return inbox.fail(new Error(`Slot ${slot} got input for subtask ${m.d} of node ${m.n}, which it does not run`));
  try {
    deliver(st, m.ch, decodeElement(m.e));
    if (m.e.kind === 'batch') link.processedOne();
  } catch (e) {
    inbox.fail(st.wrap(e));
  }
}
