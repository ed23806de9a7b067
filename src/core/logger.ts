import { pino, type Logger, type DestinationStream } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import { ConfigError } from './errors.js';
import { redact, scrubSecrets } from './redact.js';

export type { Logger } from 'pino';

/** Levels as pino (and log4j, which Flink uses) name them; `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `json`: one JSON object per line (for log shippers); `pretty`: one readable line per entry (a terminal). */
export type LogFormat = 'json' | 'pretty';

/** The job setting for a job's log level, after Flink's `env.log.*` keys. */
export const LOG_LEVEL_KEY = 'env.log.level';
/** Environment variables read when nothing else sets the level or the format; slot workers inherit them. */
export const LOG_LEVEL_ENV = 'WEIR_LOG_LEVEL';
export const LOG_FORMAT_ENV = 'WEIR_LOG_FORMAT';

/** A level from a flag, a setting or the environment; `where` names the source in the error. */
export function parseLogLevel(value: unknown, where: string): LogLevel {
  const v = String(value).toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new ConfigError(`${where}: '${String(value)}' is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
}

interface LogHolder {
  logger: Logger;
  level: LogLevel;
  format: LogFormat;
}

// On globalThis, as the job hooks are: the CLI (from dist/) and a job (from src/) may load two copies of Weir.
const KEY = Symbol.for('weir.log');
type Holder = { [KEY]?: LogHolder };

export interface LoggingOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; default the process's stderr (stdout is the job's output, e.g. a print sink). */
  destination?: NodeJS.WritableStream;
}

/**
 * Sets up the process-wide logger every job logs through. Unset options come from
 * `WEIR_LOG_LEVEL` and `WEIR_LOG_FORMAT`, else level `info` and `pretty` when stderr is a terminal,
 * `json` otherwise. Every entry is cleaned of secrets: properties named like a password, token or
 * key show `******`, and so do passwords in URLs and `password=...` pairs in messages.
 *
 * @example
 * configureLogging({ level: 'debug' });
 * rootLogger().info({ job: 'orders' }, 'started');
 */
export function configureLogging(options: LoggingOptions = {}): Logger {
  const env = process.env;
  const level = options.level ?? (env[LOG_LEVEL_ENV] ? parseLogLevel(env[LOG_LEVEL_ENV], LOG_LEVEL_ENV) : 'info');
  const envFormat = env[LOG_FORMAT_ENV];
  const format: LogFormat = options.format ?? (envFormat === 'json' || envFormat === 'pretty' ? envFormat : process.stderr.isTTY === true ? 'pretty' : 'json');
  const destination = options.destination ?? process.stderr;
  const stream: DestinationStream | NodeJS.WritableStream =
    format === 'pretty'
      ? prettyStream({
          destination,
          sync: true,
          colorize: (destination as { isTTY?: boolean }).isTTY === true,
          singleLine: true,
          translateTime: 'SYS:HH:MM:ss.l',
          // The place leads the line; the failure's text is in the message already.
          ignore: 'pid,hostname,job,operator,subtask,slot,event,error',
          messageFormat: (log, key) => {
            const place = [log.job, log.operator, log.subtask].filter((v) => v !== undefined).join(' ');
            return `${place === '' ? '' : `[${place}] `}${String(log[key])}`;
          },
        })
      : destination;
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (o) => safeFields(o) },
      hooks: {
        // Messages are free text and may quote a connection URL: clean them as the fields are.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    stream as DestinationStream,
  );
  (globalThis as Holder)[KEY] = { logger, level, format };
  return logger;
}

/** Fields fit to log: secret-named properties hidden ({@link redact}), secrets in strings scrubbed. */
function safeFields(o: Record<string, unknown>): Record<string, unknown> {
  const scrub = (v: unknown): unknown =>
    typeof v === 'string'
      ? scrubSecrets(v)
      : Array.isArray(v)
        ? v.map(scrub)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]))
          : v;
  return scrub(redact(o)) as Record<string, unknown>;
}

function holder(): LogHolder {
  const h = (globalThis as Holder)[KEY];
  if (h) return h;
  configureLogging();
  return (globalThis as Holder)[KEY]!;
}

/** The process-wide logger (set up on first use, see {@link configureLogging}). */
export function rootLogger(): Logger {
  return holder().logger;
}

/** The level and format in force, for slot workers to inherit. */
export function loggingSettings(): { level: LogLevel; format: LogFormat } {
  const h = holder();
  return { level: h.level, format: h.format };
}

/**
 * The logger of one job: every entry carries `job`; the job's `env.log.level` setting, when
 * present, sets its level (below or above the process's).
 *
 * @example
 * const log = jobLogger('orders', { 'env.log.level': 'debug' });
 * log.child({ operator: 'Map', subtask: 0 }).debug('opened');
 */
export function jobLogger(jobName: string, settings?: Readonly<Record<string, unknown>>): Logger {
  const own = settings?.[LOG_LEVEL_KEY];
  const level = own === undefined ? undefined : parseLogLevel(own, LOG_LEVEL_KEY);
  return rootLogger().child({ job: jobName }, level ? { level } : {});
}
