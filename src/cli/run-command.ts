import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jobHooks } from '../api/job-hooks.js';
import { registerJobModuleHooks } from '../runtime/parallel/job-module-hooks.js';
import { applyCheckpointFlags, type CheckpointFlags } from './checkpoint-flags.js';
import { formatError } from './error-report.js';
import { moduleFormatHint } from './module-format-hint.js';
import { JobObserver, type ObservedJob } from './job-observer.js';
import { finalStatus, formatJobSummary } from './job-summary.js';
import { ProgressLine } from './progress-line.js';
import { toMillis, type Duration } from '../core/duration.js';
import { formatUncommittedNotes, formatUncommittedReport } from './uncommitted-report.js';

export interface RunOptions extends CheckpointFlags {
  /** Default parallelism of the job's operators (`-p`). */
  parallelism?: number;
  /** Print the job graph instead of running it. */
  plan?: boolean;
  /** `false` (`--no-progress`) or `quiet` (`--quiet`) turns the progress lines off. */
  progress?: boolean;
  quiet?: boolean;
  /** Between two plain progress lines when stderr is not a terminal (default 5 s). */
  progressInterval?: string;
  /** Print stack traces with errors. */
  stack?: boolean;
  /** Serve the REST API (`rest.port`): `true` for 8081 or the next free port, or a port or range. */
  web?: boolean | string;
}

/** Ports `--web` tries in turn, as Flink's `rest.bind-port` range. */
const WEB_PORTS = '8081-8180';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
const EXIT_INTERRUPTED = 130;

/**
 * `weir run`: imports the job module (which builds its graph and calls `env.execute()` itself),
 * watches every job it starts, and reports. Resolves to the process exit code.
 *
 * @example
 * process.exitCode = await runJobFile('jobs/hot-items.ts', { parallelism: 2 }, []);
 */
export async function runJobFile(file: string, options: RunOptions, args: string[]): Promise<number> {
  const path = resolve(file);
  if (!existsSync(path)) {
    process.stderr.write(`Error: job file not found: ${file}\n`);
    return 1;
  }
  const hooks = jobHooks();
  if (options.parallelism !== undefined) hooks.defaults.parallelism = options.parallelism;
  hooks.planOnly = options.plan === true;
  hooks.jobModule = pathToFileURL(path).href;
  if (options.web !== undefined && options.web !== false)
    hooks.defaults['rest.port'] = options.web === true || options.web === 'true' ? WEB_PORTS : options.web;
  applyCheckpointFlags(hooks, options);
  // A job file is an ES module (top-level await, imports of Weir) even in a "type": "commonjs" package.
  registerJobModuleHooks();
  // The job reads its own arguments as a script would: process.argv.slice(2).
  process.argv = [process.argv[0]!, path, ...args];

  let progress: ProgressLine | undefined;
  const observer = new JobObserver((job) => {
    // The planned job never settles, so the module stops at execute(): done once the plan is out.
    if (job.info.planOnly) return void process.stdout.write(job.info.plan + '\n', () => process.exit(0));
    // The end-to-end guarantee, said at start-up, so a weaker one than expected is seen at once.
    const g = job.client.guarantee?.();
    if (g && g.guarantee !== 'none') process.stderr.write(`Job '${job.info.jobName}': ${g.guarantee} end to end${g.reason ? ` (${g.reason})` : ''}\n`);
    process.stderr.write(formatUncommittedNotes(job));
  }).attach();
  progress = options.plan ? undefined : startProgress(observer, options);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
    progress?.clear();
    process.stderr.write('\nCancelling (press Ctrl-C again to exit at once)...\n');
    void observer.cancelAll();
  };
  process.on('SIGINT', onSigint);

  let moduleError: unknown;
  let moduleFailed = false;
  try {
    await import(pathToFileURL(path).href);
    await observer.settled();
  } catch (e) {
    moduleFailed = true;
    moduleError = e;
    await observer.settled();
  } finally {
    progress?.stop();
    process.off('SIGINT', onSigint);
    observer.detach();
  }
  return report(observer.jobs, moduleFailed, moduleError, options, interrupted);
}

function report(jobs: ObservedJob[], moduleFailed: boolean, moduleError: unknown, options: RunOptions, interrupted: boolean): number {
  const err = process.stderr;
  if (!options.plan) for (const job of jobs) err.write(formatJobSummary(job));
  for (const job of jobs) if (finalStatus(job) !== 'FINISHED') err.write(formatUncommittedReport(job));
  const jobErrors = jobs.flatMap((j) => (j.outcome?.ok === false ? [j.outcome.error] : []));
  // The job module usually rethrows its job's failure: report it once.
  for (const e of jobErrors) err.write(formatError(e, { stack: options.stack === true }));
  if (moduleFailed && !jobErrors.includes(moduleError))
    err.write(formatError(moduleError, { stack: options.stack === true }) + (moduleFormatHint(moduleError) ?? ''));
  if (interrupted) return EXIT_INTERRUPTED;
  if (moduleFailed || jobErrors.length > 0 || jobs.some((j) => finalStatus(j) !== 'FINISHED')) return 1;
  if (jobs.length === 0) {
    err.write('Error: the job file started no job: build a pipeline and call env.execute(...) in it\n');
    return 1;
  }
  return 0;
}

/**
 * The progress lines `weir run` and `weir sql` show on stderr: live on a terminal, a plain line per
 * job every `--progress-interval` otherwise; none with `--quiet`.
 */
export function startProgress(observer: JobObserver, options: { progress?: boolean; quiet?: boolean; progressInterval?: string }): ProgressLine | undefined {
  if (options.quiet === true || options.progress === false) return undefined;
  const live = process.stderr.isTTY === true;
  const intervalMs = options.progressInterval === undefined ? undefined : toMillis(options.progressInterval as Duration);
  return new ProgressLine(observer, process.stderr, { live, ...(intervalMs === undefined ? {} : { intervalMs }) }).start();
}
