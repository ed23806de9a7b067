import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { configureLogging, LOG_LEVELS, parseLogLevel, type LogLevel } from '../core/logger.js';
import { runJobFile, type RunOptions } from './run-command.js';
import { runPipelineFile, type PipelineOptions } from './pipeline-command.js';
import { savepointCommand } from './savepoint-command.js';
import { runSqlScript, type SqlOptions } from './sql-command.js';

function logLevel(value: string): LogLevel {
  try {
    return parseLogLevel(value, '--log-level');
  } catch {
    throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
  }
}

/** `--log-level` wins over WEIR_LOG_LEVEL; slot workers inherit what is set here. */
function setUpLogging(opts: { logLevel?: LogLevel }): void {
  configureLogging(opts.logLevel ? { level: opts.logLevel } : {});
}

const logLevelOption = () =>
  new Option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')} (default info, or WEIR_LOG_LEVEL); a job's env.log.level wins for that job`).argParser(
    logLevel,
  );

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

// Both src/cli and dist/cli sit two levels below the package root.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('weir')
  .description('Weir: a stateful stream processor for TypeScript')
  .version(version, '-v, --version')
  // A pointer to the help, not the help itself: the error and its "Did you mean" stay in view.
  .showHelpAfterError("(see 'weir --help')");

program
  .command('run')
  .description('run a job file (TypeScript or JavaScript) that builds a pipeline and calls env.execute()')
  .argument('<job>', 'path of the job module, e.g. examples/hot-items.ts')
  .argument('[args...]', 'arguments for the job (after --), seen by the job as process.argv.slice(2)')
  .addOption(new Option('-p, --parallelism <n>', "default parallelism of the job's operators").argParser(positiveInt))
  .option(
    '--plan',
    "print the plan as JSON (env.explain(): each operator's kind, key parameters, parallelism, uid, chain, changelog mode and input partitioning) instead of running the job; code after env.execute() does not run",
  )
  .option('-q, --quiet', 'no progress: neither the live line on a terminal nor the periodic lines otherwise')
  .option('--no-progress', 'the same as --quiet')
  .option('--progress-interval <duration>', "between two progress lines when stderr is not a terminal, e.g. '10s' (default 5s)")
  .addOption(logLevelOption())
  .option('--stack', 'print stack traces with errors')
  .option('--web [port]', 'serve the REST API and /metrics while the job runs (rest.port): on <port>, or 8081 or the next free port; prints the address')
  .option('--checkpoint-dir <dir>', 'where checkpoints go (state.checkpoints.dir; default ./.weir/checkpoints)')
  .option('--checkpoint-interval <duration>', "checkpoint every <duration>, e.g. '1s' (execution.checkpointing.interval)")
  .option('--resume', 'continue from the latest valid checkpoint of this job in the checkpoint directory (without it the job starts with empty state)')
  .option('--from-savepoint <path>', 'start from a savepoint (or checkpoint) directory')
  .option('--allow-non-restored-state', 'drop state of operators that are not in the job instead of failing')
  .showHelpAfterError("(see 'weir run --help')")
  .addHelpText(
    'after',
    '\nExamples:\n  weir run examples/hot-items.ts\n  weir run examples/word-count.ts -p 2 -- examples/data/river-notes.txt\n  weir run examples/hot-items.ts -p 2 --plan\n  weir run examples/fraud-detection.ts --checkpoint-interval 1s --resume\n  weir run examples/hot-items.ts --web',
  )
  .action(async (job: string, args: string[], opts: RunOptions & { logLevel?: LogLevel }) => {
    setUpLogging(opts);
    process.exitCode = await runJobFile(job, opts, args);
    // A job may leave handles open (a socket, a timer); once its jobs ended the CLI is done with it.
    setTimeout(() => process.exit(), 1000).unref();
  });

program
  .command('sql')
  .description('the interactive Flink-dialect SQL client, or with -f a script: DDL, SET, SELECT, INSERT INTO and statement sets, in order')
  .option('-f, --file <script>', 'the SQL script to run')
  .addOption(new Option('-p, --parallelism <n>', 'default parallelism of the jobs the script starts').argParser(positiveInt))
  .option('-q, --quiet', 'no progress: neither the live line on a terminal nor the periodic lines otherwise')
  .option('--progress-interval <duration>', "between two progress lines when stderr is not a terminal, e.g. '10s' (default 5s)")
  .addOption(logLevelOption())
  .option('--stack', 'print stack traces with errors')
  .option('--checkpoint-dir <dir>', 'where checkpoints go (state.checkpoints.dir; default ./.weir/checkpoints); a SET in the script overrides it')
  .option('--checkpoint-interval <duration>', "checkpoint every <duration>, e.g. '1s' (execution.checkpointing.interval); a SET in the script overrides it")
  .option('--resume', "continue each of the script's jobs from its latest valid checkpoint in the checkpoint directory")
  .option('--from-savepoint <path>', "start the script's job from a savepoint (or checkpoint) directory")
  .option('--allow-non-restored-state', 'drop state of operators that are not in the job instead of failing')
  .addHelpText(
    'after',
    '\nExamples:\n  weir sql\n  weir sql -f pipeline.sql\n  weir sql -f pipeline.sql -p 2\n  weir sql -f pipeline.sql --checkpoint-interval 10s --resume',
  )
  .action(async (opts: SqlOptions & { logLevel?: LogLevel }) => {
    setUpLogging(opts);
    process.exitCode = await runSqlScript(opts);
    setTimeout(() => process.exit(), 1000).unref();
  });

program
  .command('pipeline')
  .description(
    'run a pipeline definition (YAML in the shape of Flink CDC 3): copy every matching MySQL/MariaDB or PostgreSQL table into PostgreSQL or MySQL and follow its changes',
  )
  .requiredOption('-f, --file <pipeline.yaml>', 'the pipeline definition')
  .addOption(new Option('-p, --parallelism <n>', 'overrides pipeline.parallelism').argParser(positiveInt))
  .option('--checkpoint-dir <dir>', 'where checkpoints go (state.checkpoints.dir)')
  .option('--checkpoint-interval <duration>', 'checkpoint every <duration> (default 10s); the targets are written when a checkpoint completes')
  .option('--resume', 'continue from the latest checkpoint of this pipeline in the checkpoint directory (without it, a new snapshot)')
  .option('-q, --quiet', 'no progress lines')
  .option('--progress-interval <duration>', "between two progress lines when stderr is not a terminal, e.g. '10s' (default 5s)")
  .addOption(logLevelOption())
  .option('--stack', 'print stack traces with errors')
  .addHelpText('after', '\nExample:\n  weir pipeline -f examples/mysql-to-postgres.yaml')
  .action(async (opts: PipelineOptions & { logLevel?: LogLevel }) => {
    setUpLogging(opts);
    process.exitCode = await runPipelineFile(opts);
    setTimeout(() => process.exit(), 1000).unref();
  });

program
  .command('savepoint')
  .description('take a savepoint of a running job (started with checkpointing) and print its directory')
  .argument('<job>', 'the job name given to env.execute(name)')
  .option('--checkpoint-dir <dir>', 'the checkpoint directory the job uses', './.weir/checkpoints')
  .option('--timeout <duration>', 'how long to wait for the savepoint', '60s')
  .action(async (job: string, opts: { checkpointDir: string; timeout: string }) => {
    process.exitCode = await savepointCommand(job, opts.checkpointDir, opts.timeout);
  });

await program.parseAsync(webFlagValue(process.argv));

/**
 * `--web` takes an optional port, so an option parser takes whatever follows it as that port:
 * `weir run --web job.ts` would lose its job file. A `--web` not followed by a port (or range) is
 * written as `--web=true` (the default ports), so what follows stays an argument.
 */
function webFlagValue(argv: string[]): string[] {
  return argv.map((a, i) => (a === '--web' && !/^\d+(-\d+)?$/.test(argv[i + 1] ?? '') ? '--web=true' : a));
}
