import type { Batch } from '../../core/batch.js';
import type { ChannelTarget } from '../edge-router.js';

/** Input held back on a channel while barriers align (exactly-once). */
export type Held =
  | { readonly ch: number; readonly kind: 0; readonly batch: Batch<unknown> }
  | { readonly ch: number; readonly kind: 1; readonly watermark: number }
  | { readonly ch: number; readonly kind: 2; readonly idle: boolean }
  | { readonly ch: number; readonly kind: 3; readonly id: number; readonly savepoint: boolean }
  | { readonly ch: number; readonly kind: 4 };

/** Hands held-back input to `target` again, in arrival order, once alignment ends. */
export function replayHeld(target: ChannelTarget, held: Held[]): void {
  for (let i = 0; i < held.length; i++) {
    const h = held[i]!;
    switch (h.kind) {
      case 0:
        target.receiveBatch(h.ch, h.batch);
        break;
      case 1:
        target.receiveWatermark(h.ch, h.watermark);
        break;
      case 2:
        target.receiveIdle(h.ch, h.idle);
        break;
      case 3:
        target.receiveBarrier(h.ch, h.id, h.savepoint);
        break;
      case 4:
        target.receiveEnd(h.ch);
        break;
    }
  }
}
