/**
 * Entry of a slot worker thread. For each job the main thread sends, it records which slot it is,
 * applies the launcher's defaults, environment and arguments, and imports the job module, which
 * rebuilds the same graph and calls `env.execute()`; the executor then runs only this slot's
 * subtasks (see SlotRunner). The worker outlives its job (see slot-pool.ts): a job module it ran
 * before is imported again under a fresh query, so its top level runs again while the modules it
 * imports (Weir, the user's functions) stay loaded and compiled.
 */
import { parentPort } from 'node:worker_threads';
import { replaceJobHooks } from '../../graph/job-hooks.js';
import { setSlotContext, type SlotContext } from './slot-context.js';
import { toSlotError } from './slot-error.js';

/** A job for a slot worker: its place in the job (the slot context) and how to rebuild the job. */
export interface SlotWorkerData extends SlotContext {
  readonly jobModule: string;
  /** The launcher's config defaults (e.g. the CLI's checkpoint flags). */
  readonly defaults: Record<string, unknown>;
  readonly argv: string[];
  /** The main thread's environment when the job started (a worker's own copy is from its start). */
  readonly env: Record<string, string | undefined>;
}

/** What the main thread sends a slot worker: a job to run. */
export interface SlotJobMessage {
  readonly t: 'job';
  readonly data: SlotWorkerData;
}

const runs = new Map<string, number>();

/** The job module's URL, with a query that makes the module run again if it ran here before. */
function freshUrl(jobModule: string): string {
  const n = runs.get(jobModule) ?? 0;
  runs.set(jobModule, n + 1);
  if (n === 0) return jobModule;
  const url = new URL(jobModule);
  url.searchParams.set('weir-run', String(n));
  return url.href;
}

function setEnv(env: Record<string, string | undefined>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
}

async function runJob(data: SlotWorkerData): Promise<void> {
  setSlotContext({
    slot: data.slot,
    slots: data.slots,
    peers: data.peers,
    control: data.control,
    restorePath: data.restorePath,
    allowNonRestoredState: data.allowNonRestoredState,
  });
  replaceJobHooks(data.defaults);
  process.argv = data.argv;
  setEnv(data.env);
  try {
    await import(freshUrl(data.jobModule));
  } catch (e) {
    data.control.postMessage({ t: 'failed', error: toSlotError(e) });
  }
}

parentPort!.on('message', (m: SlotJobMessage) => {
  if (m.t === 'job') void runJob(m.data);
});
