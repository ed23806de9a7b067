import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { JobClient } from '../graph/job-executor.js';
import type { Column } from '../sql/expression-compiler.js';
import type { Table } from '../sql/table.js';
import { ChangelogTable, type ChangelogEntry } from '../sql/table-result.js';
import { displayValue, formatTableau } from '../sql/tableau.js';

/** `sql-client.execution.result-mode`, as in Flink's SQL client. */
export type ResultMode = 'table' | 'changelog' | 'tableau';

/** How often a table shown in place is redrawn while rows arrive. */
const REDRAW_MS = 200;

/**
 * Shows a SELECT's result while its job runs, and resolves when the job ends (or is cancelled
 * through `onJob`'s client). `changelog`: one line per change as it arrives (`+I[1, ann]`);
 * `table`: on a terminal, the current rows as a table redrawn in place, else the final rows once;
 * `tableau`: the boxed table once the job ends, with an `op` column for an updating result.
 */
export async function showQuery(table: Table, mode: ResultMode, out: NodeJS.WritableStream, tty: boolean, onJob: (job: JobClient) => void): Promise<void> {
  const columns = table.columns;
  if (mode === 'changelog') {
    const job = table.subscribe((changes) => out.write(changes.map((c) => changelogLine(c, columns)).join('')));
    onJob(job);
    await job.result;
    return;
  }
  const changes: ChangelogEntry[] = [];
  const current = new ChangelogTable();
  let shownLines = 0;
  const redraw = (final: boolean) => {
    if (shownLines > 0) {
      moveCursor(out, 0, -shownLines);
      cursorTo(out, 0);
      clearScreenDown(out);
    }
    const text = formatTableau(columns, current.rows()) + (final ? '' : 'Running... (Ctrl-C stops the query)\n');
    out.write(text);
    shownLines = text.split('\n').length - 1;
  };
  const live = mode === 'table' && tty;
  let dirty = false;
  const job = table.subscribe((batch) => {
    if (mode === 'table') current.apply(batch);
    else for (const c of batch) changes.push(c);
    dirty = true;
  });
  onJob(job);
  const timer = live
    ? setInterval(() => {
        if (dirty) redraw(false);
        dirty = false;
      }, REDRAW_MS)
    : undefined;
  if (live) redraw(false);
  try {
    await job.result;
  } finally {
    if (timer) clearInterval(timer);
    if (mode === 'table') redraw(true);
    else
      out.write(
        table.updating
          ? formatTableau(
              [{ name: 'op', type: { name: 'STRING' } }, ...columns],
              changes.map((c) => ({ ...c.row, op: c.kind })),
            )
          : formatTableau(
              columns,
              changes.map((c) => c.row),
            ),
      );
  }
}

/** One change as Flink's print connector writes it: `+I[1, ann]`. */
function changelogLine({ kind, row }: ChangelogEntry, columns: readonly Column[]): string {
  return `${kind}[${columns.map((c) => displayValue(row[c.name], c)).join(', ')}]\n`;
}
