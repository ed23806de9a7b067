import type { StreamElement } from '../../core/stream-element.js';
import { deliver, type ChannelTarget } from '../edge-router.js';

/** Input held back on a channel while barriers align (exactly-once). */
export interface Held {
  readonly channel: number;
  readonly element: StreamElement;
}

/** Hands held-back input to `target` again, in arrival order, once alignment ends. */
export function replayHeld(target: ChannelTarget, held: readonly Held[]): void {
  for (let i = 0; i < held.length; i++) deliver(target, held[i]!.channel, held[i]!.element);
}
