import type { MessagePort } from 'node:worker_threads';

/**
 * What a slot worker knows about itself. Kept on `globalThis` (like the job hooks) because the
 * worker's bootstrap and the job module may load different copies of Weir.
 */
export interface SlotContext {
  readonly slot: number;
  readonly slots: number;
  /** Port to each other slot, by slot index (undefined for this slot). */
  readonly peers: (MessagePort | undefined)[];
  /** Port to the main thread. */
  readonly control: MessagePort;
  /** Checkpoint or savepoint directory to restore from. */
  readonly restorePath: string | undefined;
  readonly allowNonRestoredState: boolean;
}

const KEY = Symbol.for('weir.slot');

export function slotContext(): SlotContext | undefined {
  return (globalThis as { [KEY]?: SlotContext })[KEY];
}

export function setSlotContext(ctx: SlotContext): void {
  (globalThis as { [KEY]?: SlotContext })[KEY] = ctx;
}
