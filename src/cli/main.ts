import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runJobFile, type RunOptions } from './run-command.js';

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
  .showHelpAfterError();

program
  .command('run')
  .description('run a job file (TypeScript or JavaScript) that builds a pipeline and calls env.execute()')
  .argument('<job>', 'path of the job module, e.g. jobs/hot-items.ts')
  .argument('[args...]', 'arguments for the job (after --), seen by the job as process.argv.slice(2)')
  .addOption(new Option('-p, --parallelism <n>', 'default parallelism of the job\'s operators').argParser(positiveInt))
  .option('--plan', 'print the job graph as JSON (env.explain()) instead of running the job')
  .option('--no-progress', 'do not show the live progress line (shown only on a terminal)')
  .option('--stack', 'print stack traces with errors')
  .addHelpText('after', '\nExamples:\n  weir run examples/hot-items.ts\n  weir run jobs/word-count.ts -p 2 -- input.txt\n  weir run jobs/hot-items.ts --plan')
  .action(async (job: string, args: string[], opts: RunOptions) => {
    process.exitCode = await runJobFile(job, opts, args);
    // A job may leave handles open (a socket, a timer); once its jobs ended the CLI is done with it.
    setTimeout(() => process.exit(), 1000).unref();
  });

await program.parseAsync(process.argv);
