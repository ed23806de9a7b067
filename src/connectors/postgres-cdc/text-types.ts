import pg from 'pg';

/** json and jsonb: kept as the server's text, since parsing would round numbers beyond 2^53 and rewrite escapes. */
export const TEXT_OIDS: ReadonlySet<number> = new Set([114, 3802]);

/** The parser of the types kept as text (its name tells the COPY decoder so). */
const keepText = (v: string): string => v;

/**
 * The type parsers of the snapshot's queries: `pg`'s own, except json and jsonb, which stay text
 * so that a snapshot row and a log row of the same value are the same string.
 *
 * @example
 * new pg.Client({ ...connection, types: textTypes })
 */
export const textTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    TEXT_OIDS.has(oid) ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};
