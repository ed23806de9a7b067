import { WeirError } from '../../core/errors.js';
import type { BinlogPosition } from './binlog-position.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { SchemaChangeBehavior } from './mysql-cdc-options.js';
import type { Row } from './row-changes.js';

const NAME = '(?:`(?:[^`]|``)+`|[\\w$]+)';
const QUALIFIED = `(${NAME}(?:\\s*\\.\\s*${NAME})?)`;
const ALTER = new RegExp(`^\\s*ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}\\s*([\\s\\S]*)$`, 'i');
const DROP_LIKE = new RegExp(`^\\s*(DROP|RENAME|TRUNCATE)\\s+(?:TEMPORARY\\s+)?(?:TABLES?\\s+)?(?:IF\\s+EXISTS\\s+)?([\\s\\S]*)$`, 'i');

/** ADD of something that is not a column. */
const ADD_OTHER = /^ADD\s+(?:INDEX|KEY|CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|FULLTEXT|SPATIAL|PARTITION|CHECK|PERIOD|SYSTEM|VECTOR)\b/i;
/** ALTER TABLE clauses that change no column: indexes, defaults, table options. */
const HARMLESS =
  /^(?:ALGORITHM|LOCK|FORCE|ENGINE|COMMENT|AUTO_INCREMENT|ROW_FORMAT|KEY_BLOCK_SIZE|STATS_\w+|ENABLE\s+KEYS|DISABLE\s+KEYS|ORDER\s+BY|DROP\s+(?:INDEX|KEY|CONSTRAINT|FOREIGN|CHECK)\b|RENAME\s+(?:INDEX|KEY)\b|ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET|DROP)\s+DEFAULT\b|ALTER\s+(?:INDEX|KEY)\b)/i;

const unquote = (name: string): string => (name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name);

/** `db.t` or `t` (in `defaultDb`) as a table id. */
function tableIdIn(qualified: string, defaultDb: string): string {
  const parts = qualified.split(/\s*\.\s*(?=`|[\w$])/).map(unquote);
  return parts.length === 2 ? `${parts[0]}.${parts[1]}` : `${defaultDb}.${parts[0]}`;
}

/** The clauses of an ALTER TABLE, split at the commas outside parentheses and quotes. */
function clauses(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(body.slice(start).trim());
  return out.filter((c) => c.length > 0);
}

/**
 * Follows the schema of the captured tables through the binlog: DDL statements (query events) and
 * the columns of row images. ADD COLUMN is passed on (`evolve`), left out of the rows (`ignore`)
 * or stops the job (`exception`); any other change to a captured table's columns (DROP, CHANGE,
 * MODIFY, RENAME, DROP/RENAME/TRUNCATE TABLE) stops the job whatever the behaviour, since the rows
 * already copied could no longer be matched with the new ones.
 */
export class SchemaTracker {
  private readonly columns = new Map<string, Set<string>>();
  private readonly original = new Map<string, readonly string[]>();

  constructor(
    tables: readonly CapturedTable[],
    private readonly behavior: SchemaChangeBehavior,
  ) {
    for (const t of tables) {
      this.columns.set(tableIdOf(t), new Set(t.columns));
      this.original.set(tableIdOf(t), t.columns);
    }
  }

  /** Checks a DDL statement the binlog holds; the error to stop the job with, if any. */
  onStatement(sql: string, defaultDb: string, at: BinlogPosition): WeirError | undefined {
    const alter = ALTER.exec(sql);
    if (alter) {
      const id = tableIdIn(alter[1]!, defaultDb);
      if (!this.columns.has(id)) return undefined;
      for (const clause of clauses(alter[2]!)) {
        if (HARMLESS.test(clause) || ADD_OTHER.test(clause)) continue;
        if (/^ADD\s/i.test(clause)) {
          if (this.behavior === 'exception') return this.error(id, sql, at, "'schema.change.behavior' is exception");
          continue;
        }
        return this.error(id, sql, at, 'only ADD COLUMN is followed');
      }
      return undefined;
    }
    const drop = DROP_LIKE.exec(sql);
    if (drop) {
      const names = drop[2]!.split(/\s*,\s*|\s+TO\s+/i).map((n) => n.trim().split(/\s+/)[0]!);
      for (const n of names) {
        const id = tableIdIn(n, defaultDb);
        if (this.columns.has(id)) return this.error(id, sql, at, `${drop[1]!.toUpperCase()} TABLE of a captured table is not followed`);
      }
    }
    return undefined;
  }

  /**
   * The row as the job passes it on, or an error when its columns are not the table's: a column
   * gone (a change the binlog showed no DDL for, e.g. from before the job's position), or new columns
   * under `exception`.
   */
  shape(tableId: string, row: Row, at: () => BinlogPosition): Row {
    const known = this.columns.get(tableId)!;
    let n = 0;
    for (const k in row) {
      n++;
      if (!known.has(k)) {
        if (this.behavior === 'exception') throw this.error(tableId, `new column ${k}`, at(), "'schema.change.behavior' is exception");
        if (this.behavior === 'evolve') known.add(k);
      }
    }
    if (n !== known.size) {
      const gone = [...known].filter((k) => !(k in row));
      if (gone.length > 0) throw this.error(tableId, `column(s) ${gone.join(', ')} no longer in the rows`, at(), 'only ADD COLUMN is followed');
    }
    if (this.behavior !== 'ignore' || n === known.size) return row;
    const out: Row = {};
    for (const k of this.original.get(tableId)!) out[k] = row[k];
    return out;
  }

  private error(tableId: string, what: string, at: BinlogPosition, why: string): WeirError {
    return new WeirError(
      `mysql-cdc ${tableId}: schema change at ${at.file}:${at.pos} stops the job (${why}): ${what.replace(/\s+/g, ' ').slice(0, 200)}. ` +
        'Restart the job without restoring (a new snapshot) once the target matches the new schema.',
    );
  }
}
