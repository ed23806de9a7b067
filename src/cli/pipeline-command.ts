import { existsSync, readFileSync } from 'node:fs';
import { parsePipeline } from '../pipeline/pipeline-definition.js';
import { startPipeline } from '../pipeline/pipeline-job.js';
import { formatError } from './error-report.js';
import { JobObserver } from './job-observer.js';
import { finalStatus, formatJobSummary } from './job-summary.js';
import { startProgress } from './run-command.js';

export interface PipelineOptions {
  /** The pipeline definition (`-f`), YAML. */
  file?: string;
  /** Overrides `pipeline.parallelism` (`-p`). */
  parallelism?: number;
  checkpointDir?: string;
  checkpointInterval?: string;
  /** Continue from the latest checkpoint of this pipeline in the checkpoint directory. */
  resume?: boolean;
  stack?: boolean;
  quiet?: boolean;
  progressInterval?: string;
}

/**
 * `weir pipeline -f mysql-to-postgres.yaml`: runs a Flink CDC 3 style pipeline definition, copying
 * every matching source table into its target and following the changes until stopped. Resolves to
 * the process exit code.
 *
 * @example
 * process.exitCode = await runPipelineFile({ file: 'examples/mysql-to-postgres.yaml' });
 */
export async function runPipelineFile(options: PipelineOptions): Promise<number> {
  const err = process.stderr;
  if (options.file === undefined) {
    err.write('Error: a pipeline definition is needed: weir pipeline -f <file.yaml>\n');
    return 1;
  }
  if (!existsSync(options.file)) {
    err.write(`Error: pipeline definition not found: ${options.file}\n`);
    return 1;
  }
  const observer = new JobObserver().attach();
  let progress: ReturnType<typeof startProgress>;
  try {
    const def = parsePipeline(readFileSync(options.file, 'utf8'), options.file);
    const overrides: Record<string, unknown> = {};
    if (options.parallelism !== undefined) overrides.parallelism = options.parallelism;
    if (options.checkpointDir !== undefined) overrides['state.checkpoints.dir'] = options.checkpointDir;
    if (options.checkpointInterval !== undefined) overrides['execution.checkpointing.interval'] = options.checkpointInterval;
    if (options.resume === true) overrides.restore = { latest: true, allowNonRestoredState: false };
    const { tables } = await startPipeline(def, overrides);
    for (const t of tables) err.write(`[INFO] ${t.source.qualifier}.${t.source.table} -> ${t.route.target}\n`);
    err.write(`[INFO] Running pipeline '${def.name}' (${tables.length} table${tables.length === 1 ? '' : 's'})\n`);
    progress = startProgress(observer, options);
    await observer.settled();
    progress?.stop();
    const job = observer.jobs[observer.jobs.length - 1]!;
    err.write(formatJobSummary(job));
    if (finalStatus(job) !== 'FINISHED') {
      if (job.outcome?.ok === false) err.write(formatError(job.outcome.error, { stack: options.stack === true }));
      return 1;
    }
    return 0;
  } catch (e) {
    err.write(formatError(e, { stack: options.stack === true }));
    return 1;
  } finally {
    progress?.stop();
    observer.detach();
  }
}
