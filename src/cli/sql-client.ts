import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { JobClient } from '../graph/job-executor.js';
import type { Statement } from '../sql/ast.js';
import { parseScript } from '../sql/statement-parser.js';
import { TableEnvironment } from '../sql/table-environment.js';
import { formatError } from './error-report.js';
import { isQuit, statementComplete } from './sql-client-input.js';
import { showQuery, type ResultMode } from './sql-result-view.js';

const PROMPT = 'Weir SQL> ';
const CONTINUATION = '        > ';
const HISTORY_SIZE = 1000;

export interface SqlClientOptions {
  /** `parallelism.default` of the jobs the session starts (`-p`); a SET overrides it. */
  parallelism?: number;
  stack?: boolean;
}

/** Where the statements typed are kept between sessions: `$WEIR_HOME/sql_history`, else `~/.weir/sql_history`. */
export function historyFile(): string {
  return join(process.env.WEIR_HOME ?? join(homedir(), '.weir'), 'sql_history');
}

/**
 * `weir sql` without `-f`: the interactive client. Reads statements ending with `;` over as many
 * lines as they take, runs each and shows its result, keeps going after an error (shown with its
 * caret), and ends at `QUIT;`, `EXIT;` or the end of the input (Ctrl-D). On a terminal a SELECT's
 * rows update in place (`SET 'sql-client.execution.result-mode' = 'table'|'changelog'|'tableau'`)
 * and Ctrl-C stops it; with piped input it prints plain output, so a session can be scripted.
 * INSERTs are submitted and run while the session goes on (`SET 'table.dml-sync' = 'true'` waits);
 * the client waits for them before it exits. Resolves to the exit code.
 *
 * @example
 * process.exitCode = await runSqlClient({});
 */
export async function runSqlClient(
  options: SqlClientOptions,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<number> {
  const tty = input.isTTY === true && out.isTTY === true;
  const tEnv = TableEnvironment.create();
  if (options.parallelism !== undefined) tEnv.settings.set('parallelism.default', String(options.parallelism));
  const history = historyFile();
  const rl = createInterface({
    input,
    output: tty ? out : undefined,
    terminal: tty,
    history: loadHistory(history),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  const submitted: JobClient[] = [];
  let query: JobClient | undefined;
  let buffer = '';
  const prompt = () => {
    rl.setPrompt(buffer === '' ? PROMPT : CONTINUATION);
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (query) void query.cancel();
    else {
      out.write(buffer === '' ? '\n(QUIT; or Ctrl-D ends the session)\n' : '\n');
      buffer = '';
      prompt();
    }
  });

  const run = async (s: Statement, sql: string) => {
    if (s.kind === 'query') {
      const mode = (tEnv.settings.get('sql-client.execution.result-mode')?.toLowerCase() ?? 'table') as ResultMode;
      try {
        await showQuery(tEnv.queryTable(s.query, sql), mode, out, tty, (job) => (query = job));
      } catch (e) {
        // Ctrl-C cancelled it: the rows so far are shown, the session goes on.
        if (query?.status() !== 'CANCELED') throw e;
        out.write('[INFO] Query stopped.\n');
      } finally {
        query = undefined;
      }
      return;
    }
    const result = tEnv.executeStatement(s, sql);
    const job = result.jobClient;
    if (job) {
      if (tEnv.settings.get('table.dml-sync') === 'true') {
        await job.result;
        out.write(`[INFO] Job '${job.jobName}' finished.\n`);
        return;
      }
      submitted.push(job);
      job.result.catch((e: unknown) => out.write(`[ERROR] Job '${job.jobName}' failed:\n${formatError(e, { stack: options.stack === true })}`));
      out.write(`[INFO] Submitted job '${job.jobName}'; it runs while the session goes on.\n`);
    } else if (result.kind === 'SUCCESS') out.write('[INFO] Execute statement succeeded.\n');
    else out.write(await result.format());
  };

  if (tty) out.write("Weir SQL client. Statements end with ';'; QUIT; or Ctrl-D ends the session.\n\n");
  prompt();
  for await (const line of rl) {
    buffer += (buffer === '' ? '' : '\n') + line;
    if (buffer.trim() === '') buffer = '';
    else if (isQuit(buffer)) {
      buffer = '';
      break;
    } else if (statementComplete(buffer)) {
      const sql = buffer;
      buffer = '';
      saveHistory(history, sql);
      try {
        for (const { statement } of parseScript(sql)) await run(statement, sql);
      } catch (e) {
        out.write(`[ERROR] Could not execute SQL statement. Reason:\n${formatError(e, { stack: options.stack === true })}`);
      }
    }
    prompt();
  }
  rl.close();
  if (buffer.trim() !== '') out.write(`[WARNING] Not run: the input ended inside a statement (no closing ';'):\n${buffer}\n`);
  const running = submitted.filter((j) => j.status() === 'RUNNING' || j.status() === 'CREATED' || j.status() === 'RESTARTING');
  if (running.length > 0) {
    out.write(`[INFO] Waiting for ${running.length} submitted job${running.length === 1 ? '' : 's'} to finish (Ctrl-C stops the process).\n`);
    await Promise.allSettled(running.map((j) => j.result));
  }
  if (tty) out.write('Goodbye!\n');
  return 0;
}

/** The last statements of earlier sessions, newest first, as readline wants them. */
function loadHistory(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
}

/** One line per statement, so a multi-line statement comes back whole with the up arrow. */
function saveHistory(file: string, sql: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, sql.replace(/\s*\n\s*/g, ' ').trim() + '\n');
  } catch (e) {
    // A read-only home must not end the session; say so once per statement.
    process.stderr.write(`[WARNING] Could not save the history to ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
