import { ConfigError } from '../core/errors.js';

/** A port, or a range to take the first free one of (Flink's `rest.bind-port` syntax `8081-8090`); 0 takes any free port. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Where and how a job's REST server and Prometheus endpoint listen (`rest.*`, `metrics.reporter.prom.port`). */
export interface RestOptions {
  /** Unset: no REST server (only the Prometheus endpoint, if `prometheusPort` is set). */
  readonly port?: PortRange;
  readonly bindAddress: string;
  /** Checked on every request when set; required to bind anything but a loopback address. */
  readonly token?: string;
  /** `metrics.reporter.prom.port`: a second server that serves `/metrics` alone. */
  readonly prometheusPort?: PortRange;
  /** Largest request body accepted, in bytes (`rest.server.max-content-length`). */
  readonly maxContentLength: number;
}

/** The environment variable that holds the token when `rest.auth.token` is not set. */
export const REST_TOKEN_ENV = 'WEIR_REST_TOKEN';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const DEFAULT_MAX_CONTENT_LENGTH = 64 * 1024;

/** True for the addresses only this machine reaches. */
export function isLoopback(address: string): boolean {
  return LOOPBACK.has(address) || address.startsWith('127.');
}

/**
 * Parses `rest.port` (or `rest.bind-port`), `rest.bind-address`, `rest.auth.token` and
 * `metrics.reporter.prom.port`; undefined when neither port is set. Binding an address other than
 * loopback without a token is refused: the API can cancel the job.
 *
 * @example
 * parseRestOptions({ 'rest.port': '8081-8090' }) // { port: { from: 8081, to: 8090 }, bindAddress: '127.0.0.1', ... }
 */
export function parseRestOptions(config: Record<string, unknown>, env: Record<string, string | undefined> = process.env): RestOptions | undefined {
  const port = portRange(config, 'rest.port') ?? portRange(config, 'rest.bind-port');
  const prometheusPort = portRange(config, 'metrics.reporter.prom.port');
  if (!port && !prometheusPort) return undefined;
  const bindAddress = String(config['rest.bind-address'] ?? '127.0.0.1');
  const rawToken = config['rest.auth.token'] ?? env[REST_TOKEN_ENV];
  const token = rawToken === undefined || rawToken === '' ? undefined : String(rawToken);
  if (!isLoopback(bindAddress) && !token) {
    throw new ConfigError(
      `rest.bind-address: '${bindAddress}' is reachable from other machines, and the REST API can cancel the job: ` +
        `set rest.auth.token (or the ${REST_TOKEN_ENV} environment variable), or bind 127.0.0.1`,
    );
  }
  const max = config['rest.server.max-content-length'];
  const maxContentLength = max === undefined ? DEFAULT_MAX_CONTENT_LENGTH : Number(max);
  if (!Number.isInteger(maxContentLength) || maxContentLength < 1)
    throw new ConfigError(`rest.server.max-content-length: ${String(max)} is not a positive integer`);
  return { ...(port ? { port } : {}), bindAddress, ...(token ? { token } : {}), ...(prometheusPort ? { prometheusPort } : {}), maxContentLength };
}

function portRange(config: Record<string, unknown>, key: string): PortRange | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(String(v));
  const from = Number(m?.[1]);
  const to = m?.[2] === undefined ? from : Number(m[2]);
  if (!m || from > 65535 || to > 65535 || to < from) throw new ConfigError(`${key}: '${String(v)}' is not a port (0-65535) or a range such as 8081-8090`);
  return { from, to };
}
