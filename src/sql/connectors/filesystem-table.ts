import { toMillis } from '../../core/duration.js';
import { fileSource } from '../../connectors/filesystem/file-source.js';
import { fileSink } from '../../connectors/filesystem/file-sink.js';
import { readAllRecords } from '../../connectors/filesystem/file-lookup.js';
import type { Row } from '../operators/calc-operator.js';
import type { TableConnector, TableContext } from './table-connector.js';

function format(ctx: TableContext): 'csv' | 'json' {
  const f = ctx.options.get('format');
  if (f === undefined) ctx.fail("needs option 'format' ('csv' or 'json')");
  if (f !== 'csv' && f !== 'json') ctx.fail(`format '${f}' is not supported yet (supported: 'csv', 'json')`);
  return f;
}

function path(ctx: TableContext): string {
  const p = ctx.options.get('path');
  if (p === undefined) ctx.fail("needs option 'path'");
  return p.replace(/^file:\/\//, '');
}

function delimiter(ctx: TableContext): string {
  const d = ctx.options.get('csv.field-delimiter') ?? ',';
  return d === '\\t' ? '\t' : d;
}

function errorPolicy(ctx: TableContext, fmt: 'csv' | 'json'): 'fail' | 'skip' {
  return ctx.options.get(`${fmt}.ignore-parse-errors`) === 'true' ? 'skip' : 'fail';
}

/**
 * Flink's `filesystem` connector over CSV (no header, columns in declared order) and JSON Lines:
 * a bounded source (or a directory watched with 'source.monitor-interval') and a part-file sink.
 */
export const filesystemTable: TableConnector = {
  name: 'filesystem',
  options: ['path', 'format', 'csv.field-delimiter', 'csv.ignore-parse-errors', 'json.ignore-parse-errors', 'source.monitor-interval'],
  source(ctx) {
    const fmt = format(ctx);
    const monitor = ctx.options.get('source.monitor-interval');
    const source = fileSource<Row>({
      path: path(ctx),
      format: fmt,
      ...(fmt === 'csv' ? { csv: { columns: ctx.columns.map((c) => c.name), delimiter: delimiter(ctx) } } : {}),
      errorPolicy: errorPolicy(ctx, fmt),
      ...(monitor !== undefined ? { monitorInterval: toMillis(monitor as `${number}s`) } : {}),
      name: `filesystem ${ctx.table}`,
    });
    // CSV fields are text; JSON values may already be numbers or booleans, and are checked the same way.
    return { source, values: 'text' };
  },
  lookup(ctx) {
    const fmt = format(ctx);
    const csv = { columns: ctx.columns.map((c) => c.name), delimiter: delimiter(ctx) };
    // The whole file, read once per subtask and kept in memory (Flink's filesystem lookup source).
    const rows = () => readAllRecords(path(ctx), fmt, csv, errorPolicy(ctx, fmt)) as Promise<Row[]>;
    return { values: 'text', whole: true, connect: async () => ({ lookup: rows, close: async () => {} }) };
  },
  sink(ctx) {
    const fmt = format(ctx);
    return fileSink<Row>({
      path: path(ctx),
      format: fmt,
      ...(fmt === 'csv' ? { csv: { columns: ctx.columns.map((c) => c.name), delimiter: delimiter(ctx) } } : {}),
      name: `filesystem ${ctx.table}`,
    });
  },
};
