import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/core/batch.js';
import { barrierElement, END, watermarkElement } from '../../src/core/stream-element.js';
import { decodeElement } from '../../src/runtime/parallel/element-codec.js';
import { RemoteSubtask, SlotLink, WATERMARK_HOLD_MS } from '../../src/runtime/parallel/slot-link.js';
import type { LinkMessage } from '../../src/runtime/parallel/slot-messages.js';

/** What the peer slot received, in order: per message its channel and a short description. */
function peer() {
  const { port1, port2 } = new MessageChannel();
  const got: string[] = [];
  port2.on('message', (m: LinkMessage) => {
    if (m.t !== 'e') return;
    const e = decodeElement(m.e);
    got.push(`${m.ch}:${e.kind === 'watermark' ? `w${e.timestamp}` : e.kind === 'batch' ? `b${e.batch.values.join(',')}` : e.kind}`);
  });
  const link = new SlotLink(port1, () => {});
  const remote = new RemoteSubtask(0, 1, link);
  remote.addChannel(0);
  remote.addChannel(1);
  return { remote, got, close: () => (port1.close(), port2.close()) };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watermarks sent to a subtask in another slot', () => {
  const open: (() => void)[] = [];
  afterEach(() => open.splice(0).forEach((c) => c()));

  it('only the newest held watermark is sent, and before the data that followed it', async () => {
    const p = peer();
    open.push(p.close);
    p.remote.receiveControl(0, watermarkElement(1));
    p.remote.receiveControl(0, watermarkElement(2));
    p.remote.receiveControl(1, watermarkElement(5));
    p.remote.receiveBatch(0, Batch.of([7], 3));
    p.remote.receiveControl(0, watermarkElement(4));
    p.remote.receiveControl(0, barrierElement(1, false));
    p.remote.receiveControl(0, watermarkElement(9));
    p.remote.receiveControl(0, END);
    await settle(20);
    expect(p.got).toEqual(['0:w2', '1:w5', '0:b7', '0:w4', '0:barrier', '0:w9', '0:end']);
  });

  it('a watermark with nothing after it leaves once the hold is over', async () => {
    const p = peer();
    open.push(p.close);
    p.remote.receiveControl(1, watermarkElement(10));
    p.remote.receiveControl(1, watermarkElement(11));
    await settle(1);
    expect(p.got.length).toBeLessThanOrEqual(1); // not one message per watermark
    await settle(WATERMARK_HOLD_MS * 4);
    expect(p.got).toEqual(['1:w11']);
    p.remote.receiveControl(1, watermarkElement(12));
    await settle(WATERMARK_HOLD_MS * 4);
    expect(p.got).toEqual(['1:w11', '1:w12']);
  });
});
