/**
 * Entry of a slot worker thread: records which slot it is, applies the launcher's defaults, and
 * imports the job module, which rebuilds the same graph and calls `env.execute()`; the executor
 * then runs only this slot's subtasks (see SlotRunner).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { setSlotContext } from './slot-context.js';

export interface SlotWorkerData {
  readonly jobModule: string;
  readonly slot: number;
  readonly slots: number;
  readonly peers: (MessagePort | undefined)[];
  readonly control: MessagePort;
  readonly restorePath: string | undefined;
  readonly allowNonRestoredState: boolean;
  /** The launcher's config defaults (e.g. the CLI's checkpoint flags). */
  readonly defaults: Record<string, unknown>;
  readonly argv: string[];
}

const data = workerData as SlotWorkerData;
setSlotContext({
  slot: data.slot,
  slots: data.slots,
  peers: data.peers,
  control: data.control,
  restorePath: data.restorePath,
  allowNonRestoredState: data.allowNonRestoredState,
});
const hooksKey = Symbol.for('weir.hooks');
const g = globalThis as { [hooksKey]?: { defaults: Record<string, unknown>; planOnly: boolean; listeners: Set<unknown> } };
g[hooksKey] = { defaults: { ...data.defaults }, planOnly: false, listeners: new Set() };
process.argv = data.argv;
try {
  await import(data.jobModule);
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  data.control.postMessage({ t: 'failed', error: { name: err.name, message: err.message, stack: err.stack } });
}
