import { randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runningJob } from './running-job-marker.js';

/**
 * Savepoint requests through the job's checkpoint directory, so `weir savepoint <job>` reaches a
 * job in another process without a server: the requester drops `savepoint-request-<id>`, the job
 * answers with `savepoint-response-<id>` holding `{ path }` or `{ error }`.
 */
const REQUEST = /^savepoint-request-([\w-]+)$/;
const POLL_MS = 100;

/**
 * Asks the job whose checkpoints live in `jobDir` for a savepoint; resolves with its directory.
 * Fails at once, writing nothing, when no live process runs a job there.
 */
export async function requestSavepoint(jobDir: string, timeoutMs: number): Promise<string> {
  if (!runningJob(jobDir)) throw new Error(`no running job has its checkpoints in ${jobDir}`);
  const id = randomUUID();
  await writeFile(join(jobDir, `savepoint-request-${id}`), String(process.pid));
  const response = join(jobDir, `savepoint-response-${id}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // The liveness check comes before the read: a job that answers and then ends is still heard.
    const ended = !runningJob(jobDir);
    const text = await readFile(response, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      await rm(response, { force: true });
      const r = JSON.parse(text) as { path?: string; error?: string };
      if (r.error !== undefined) throw new Error(`the job could not take a savepoint: ${r.error}`);
      return r.path!;
    }
    // A job that ends (finishes, fails, is killed) after the request was written never answers it.
    if (ended) {
      await rm(join(jobDir, `savepoint-request-${id}`), { force: true });
      throw new Error(`the job in ${jobDir} ended before it answered the savepoint request`);
    }
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
  await rm(join(jobDir, `savepoint-request-${id}`), { force: true });
  throw new Error(`no answer from a running job in ${jobDir} within ${timeoutMs} ms (is it running, with checkpointing on?)`);
}

/** Watches `jobDir` for requests while a job runs; `take` makes the savepoint. Returns a stop function. */
export function serveSavepointRequests(jobDir: string, take: () => Promise<string>): () => void {
  let stopped = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    void (async () => {
      for (const name of await readdir(jobDir).catch(() => [] as string[])) {
        const m = REQUEST.exec(name);
        if (!m) continue;
        await rm(join(jobDir, name), { force: true });
        const answer = await take().then(
          (path) => ({ path }),
          (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
        );
        const tmp = join(jobDir, `.savepoint-response-${m[1]}.tmp`);
        await writeFile(tmp, JSON.stringify(answer));
        await rename(tmp, join(jobDir, `savepoint-response-${m[1]}`));
      }
    })().finally(() => (busy = false));
  }, POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
