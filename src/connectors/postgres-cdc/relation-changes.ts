import { WeirError } from '../../core/errors.js';
import type { SchemaChangeBehavior } from './postgres-cdc-options.js';
import type { Row } from './row-changes.js';

/** The parts of a pgoutput Relation message this follows. */
export interface RelationShape {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly typeOid: number; readonly typeMod: number }[];
}

/**
 * Follows the captured table's columns through pgoutput's Relation messages (the server sends one
 * before the first change after a schema change). Added columns are passed on (`evolve`), left out
 * of the rows (`ignore`) or stop the job (`exception`); a column dropped, renamed or given another
 * type stops the job whatever the behaviour: rows already copied could not be matched with the new
 * ones. The first Relation of a stream is its baseline.
 */
export class RelationTracker {
  private columns: Map<string, string> | undefined;
  private original: readonly string[] | undefined;
  private projecting = false;

  constructor(
    private readonly table: string,
    private readonly behavior: SchemaChangeBehavior,
  ) {}

  /** Takes a Relation message of the table; throws the error to stop the job with, if any. */
  onRelation(r: RelationShape, lsn: string): void {
    const now = new Map(r.columns.map((c) => [c.name, `${c.typeOid}/${c.typeMod}`]));
    if (this.columns === undefined) {
      this.columns = now;
      this.original = r.columns.map((c) => c.name);
      return;
    }
    const gone = [...this.columns.keys()].filter((c) => !now.has(c));
    const retyped = [...this.columns].filter(([c, t]) => now.has(c) && now.get(c) !== t).map(([c]) => c);
    const added = [...now.keys()].filter((c) => !this.columns!.has(c));
    if (gone.length > 0 || retyped.length > 0) {
      const what = [gone.length ? `column(s) ${gone.join(', ')} dropped or renamed` : '', retyped.length ? `column(s) ${retyped.join(', ')} changed type` : '']
        .filter(Boolean)
        .join('; ');
      throw this.error(lsn, what, 'only ADD COLUMN is followed');
    }
    if (added.length === 0) return;
    if (this.behavior === 'exception') throw this.error(lsn, `column(s) ${added.join(', ')} added`, "'schema.change.behavior' is exception");
    if (this.behavior === 'evolve') this.columns = now;
    else this.projecting = true;
  }

  /** The row as the job passes it on: under `ignore`, without the columns added since the start. */
  shape(row: Row): Row {
    if (!this.projecting) return row;
    const out: Row = {};
    for (const k of this.original!) if (k in row) out[k] = row[k];
    return out;
  }

  private error(lsn: string, what: string, why: string): WeirError {
    return new WeirError(
      `postgres-cdc ${this.table}: schema change in the transaction committed at LSN ${lsn} stops the job (${why}): ${what}. ` +
        'Restart the job without restoring (a new snapshot) once the target matches the new schema.',
    );
  }
}
