/**
 * The job module of a `weir sql -f` INSERT at parallelism > 1. Every slot worker imports it with
 * `?script=<path>&statement=<n>` and rebuilds the INSERT's plan as the main thread did: the same
 * script, the statements before it that define tables, views and settings, then statement n,
 * whose job runs this slot's subtasks.
 */
import { readFileSync } from 'node:fs';
// The package entry wires the executor that runs a slot's subtasks.
import '../index.js';
import { parseScript } from '../sql/statement-parser.js';
import { TableEnvironment } from '../sql/table-environment.js';

const SHOWN_OR_RUN = new Set([
  'insert',
  'query',
  'statementSet',
  'showTables',
  'showFunctions',
  'showCatalogs',
  'showDatabases',
  'showCurrent',
  'describe',
  'explain',
]);

const params = new URL(import.meta.url).searchParams;
const script = params.get('script');
const index = Number(params.get('statement'));
if (script !== null && Number.isInteger(index)) {
  const sql = readFileSync(script, 'utf8');
  const statements = parseScript(sql);
  const tEnv = TableEnvironment.create();
  const parallelism = params.get('parallelism');
  if (parallelism !== null) tEnv.settings.set('parallelism.default', parallelism);
  const self = new URL(import.meta.url);
  self.searchParams.delete('weir-run');
  statements.forEach(({ statement }, i) => {
    // Earlier jobs (INSERT, SELECT) ran already, and what only shows (SHOW, DESCRIBE, EXPLAIN) showed:
    // only what defines this one is replayed (a catalog's lookups cost a round trip to its database).
    if (i < index && !SHOWN_OR_RUN.has(statement.kind)) tEnv.executeStatement(statement, sql);
  });
  await tEnv.executeStatement(statements[index]!.statement, sql, self.href).await();
}

/** The URL of this module for statement `index` of `script`. */
export function sqlJobModule(script: string, index: number, parallelism: number | undefined): string {
  const url = new URL(import.meta.url);
  url.searchParams.set('script', script);
  url.searchParams.set('statement', String(index));
  if (parallelism !== undefined) url.searchParams.set('parallelism', String(parallelism));
  return url.href;
}
