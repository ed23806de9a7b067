import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// The package entry wires the local executor that runs the script's jobs.
import '../index.js';
import type { Statement } from '../sql/ast.js';
import { parseScript } from '../sql/statement-parser.js';
import { TableEnvironment } from '../sql/table-environment.js';
import { jobHooks } from '../api/job-hooks.js';
import { applyCheckpointFlags, type CheckpointFlags } from './checkpoint-flags.js';
import { formatError } from './error-report.js';
import { JobObserver } from './job-observer.js';
import type { ProgressLine } from './progress-line.js';
import { startProgress } from './run-command.js';
import { runSqlClient } from './sql-client.js';
import { sqlJobModule } from './sql-script-job.js';
import { finalStatus, formatJobSummary } from './job-summary.js';

export interface SqlOptions extends CheckpointFlags {
  /** The script to run (`-f`). */
  file?: string;
  /** `parallelism.default` of the script's jobs (`-p`); a SET in the script overrides it. */
  parallelism?: number;
  stack?: boolean;
  /** `--quiet`: no progress lines. */
  quiet?: boolean;
  progressInterval?: string;
}

/**
 * `weir sql` without `-f` opens the interactive client (sql-client.ts).
 * `weir sql -f script.sql`: runs the statements of a script in order, as Flink's SQL client does
 * with `-f`. DDL and SET say OK, SELECT/SHOW/DESCRIBE print a table, an INSERT runs its job to the
 * end (bounded inputs) and prints the job summary. Stops at the first failing statement.
 * With `--resume` every job of the script continues from its latest checkpoint (found by job name,
 * its operators' state by uids the planner derives from the SQL text alone). Resolves to the exit code.
 *
 * @example
 * process.exitCode = await runSqlScript({ file: 'pipeline.sql', checkpointInterval: '10s', resume: true });
 */
export async function runSqlScript(options: SqlOptions): Promise<number> {
  const err = process.stderr;
  // The client's jobs take the flags too, as a script's do.
  applyCheckpointFlags(jobHooks(), options);
  if (options.file === undefined) return runSqlClient(options);
  if (!existsSync(options.file)) {
    err.write(`Error: SQL script not found: ${options.file}\n`);
    return 1;
  }
  const sql = readFileSync(options.file, 'utf8');
  const tEnv = TableEnvironment.create();
  if (options.parallelism !== undefined) tEnv.settings.set('parallelism.default', String(options.parallelism));
  const observer = new JobObserver().attach();
  let progress: ProgressLine | undefined;
  try {
    const statements = parseScript(sql);
    for (const [i, { statement }] of statements.entries()) {
      // Slot workers rebuild an INSERT's plan by running the script up to it (sql-script-job.ts).
      const result = tEnv.executeStatement(statement, sql, sqlJobModule(resolve(options.file), i, options.parallelism));
      if (result.jobClient) {
        err.write(`[INFO] Running ${describeJob(statement)}\n`);
        progress = startProgress(observer, options);
        await observer.settled();
        // The summary takes the progress lines' place.
        progress?.stop();
        const job = observer.jobs[observer.jobs.length - 1]!;
        err.write(formatJobSummary(job));
        if (finalStatus(job) !== 'FINISHED') {
          if (job.outcome?.ok === false) err.write(formatError(job.outcome.error, { stack: options.stack === true }));
          return 1;
        }
      } else if (result.kind === 'SUCCESS') err.write('[INFO] Execute statement succeeded.\n');
      else process.stdout.write(await result.format());
    }
    return 0;
  } catch (e) {
    err.write(`[ERROR] Could not execute SQL statement. Reason:\n${formatError(e, { stack: options.stack === true })}`);
    return 1;
  } finally {
    progress?.stop();
    observer.detach();
  }
}

/** What the `[INFO] Running ...` line names: the INSERT's table, or a statement set's tables. */
function describeJob(s: Statement): string {
  if (s.kind === 'insert') return 'INSERT INTO ' + s.table.parts.join('.');
  if (s.kind === 'statementSet') return `STATEMENT SET (INSERT INTO ${s.inserts.map((i) => i.table.parts.join('.')).join(', ')})`;
  return 'the statement';
}
