import { readFileSync } from 'node:fs';
import type { RestOptions, PortRange } from '../graph/rest-options.js';
import { listen, type Listening } from './http-listener.js';
import { prometheusApp, restApp } from './rest-app.js';
import type { ServedJob } from './served-job.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Finished jobs kept for the API to show, beyond which the oldest finished ones are forgotten. */
const MAX_ENDED_JOBS = 50;
/** How often the per-second rates take a sample. */
const SAMPLE_MS = 1000;

/**
 * One server and the jobs it serves. Jobs of this process that ask for the same address, ports
 * and token share a server (as a Flink session cluster lists all its jobs); ended jobs stay listed,
 * so their final state can be read. The server never keeps the process alive.
 */
class RestService {
  readonly jobs: ServedJob[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(readonly listening: Promise<Listening>) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS).unref();
  }

  add(job: ServedJob): void {
    this.jobs.push(job);
    job.rates.sample(job.client.metrics(), Date.now());
    const ended = this.jobs.filter((j) => j.endTime >= 0);
    if (ended.length > MAX_ENDED_JOBS) this.jobs.splice(this.jobs.indexOf(ended[0]!), 1);
  }

  private sample(): void {
    const now = Date.now();
    for (const j of this.jobs) if (j.endTime < 0) j.rates.sample(j.client.metrics(), now);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await (await this.listening.catch(() => undefined))?.close();
  }
}

const services = new Map<string, RestService>();

const rangeKey = (r: PortRange) => `${r.from}-${r.to}`;

/**
 * Serves `job` on the REST server (and the Prometheus endpoint) its options ask for, starting them
 * when no job of this process has yet. Resolves with the URLs they listen at.
 */
export function serveJob(job: ServedJob, options: RestOptions): { rest?: Promise<string>; prometheus?: Promise<string> } {
  const serve = (kind: 'rest' | 'prometheus', ports: PortRange): Promise<string> => {
    const key = `${kind}|${options.bindAddress}|${rangeKey(ports)}|${options.token ?? ''}`;
    let service = services.get(key);
    if (!service) {
      const app = (kind === 'rest' ? restApp : prometheusApp)({
        jobs: () => service!.jobs,
        version,
        maxContentLength: options.maxContentLength,
        ...(options.token ? { token: options.token } : {}),
      });
      const listening = listen(app, ports, options.bindAddress);
      service = new RestService(listening);
      services.set(key, service);
      // A failed start is not kept: the next job tries again.
      const started = service;
      listening.catch(() => services.get(key) === started && services.delete(key));
    }
    service.add(job);
    return service.listening.then((l) => l.url);
  };
  return {
    ...(options.port ? { rest: serve('rest', options.port) } : {}),
    ...(options.prometheusPort ? { prometheus: serve('prometheus', options.prometheusPort) } : {}),
  };
}

/**
 * Closes every REST server and Prometheus endpoint of this process (they never keep it alive, so
 * a program needs this only to free the ports while it goes on, as tests do).
 *
 * @example
 * afterAll(() => closeRestServers());
 */
export async function closeRestServers(): Promise<void> {
  const all = [...services.values()];
  services.clear();
  await Promise.all(all.map((s) => s.close()));
}
