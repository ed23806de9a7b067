import pg from 'pg';
import { withTextMicros } from './timestamp-micros.js';

/** json and jsonb: kept as the server's text, since parsing would round numbers beyond 2^53 and rewrite escapes. */
export const TEXT_OIDS: ReadonlySet<number> = new Set([114, 3802]);

/** The parser of the types kept as text (its name tells the COPY decoder so). */
const keepText = (v: string): string => v;

/**
 * The type parsers of the snapshot's queries: `pg`'s own, except json and jsonb, which stay text
 * so that a snapshot row and a log row of the same value are the same string, and timestamps,
 * whose microseconds below the Date's millisecond are kept (a MicroDate), as the log's are.
 *
 * @example
 * new pg.Client({ ...connection, types: textTypes })
 */
export const textTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid)
      ? keepText
      : format === 'binary'
        ? pg.types.getTypeParser(oid, 'binary')
        : withTextMicros(oid, pg.types.getTypeParser(oid, 'text') as (text: string) => unknown)) as typeof pg.types.getTypeParser,
};
