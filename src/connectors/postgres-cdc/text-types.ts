import pg from 'pg';

/** json and jsonb: kept as the server's text, since parsing would round numbers beyond 2^53 and rewrite escapes. */
const TEXT_OIDS = new Set([114, 3802]);

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

/** The parts of a decoded pgoutput relation message this module changes. */
interface DecodedRelation {
  readonly columns: { typeOid: number; parser: (v: string) => unknown }[];
}

/**
 * Makes a pgoutput decoder keep json and jsonb as text, as the snapshot does: each relation
 * message's parsers are replaced as it is decoded, before the changes that follow it (the
 * replication service decodes ahead of the listener).
 */
export function keepTextTypes<P extends { parse(b: Buffer): unknown }>(plugin: P): P {
  const parse = plugin.parse.bind(plugin);
  plugin.parse = (b: Buffer) => {
    const m = parse(b) as { tag?: string } & Partial<DecodedRelation>;
    if (m.tag === 'relation') for (const c of m.columns!) if (TEXT_OIDS.has(c.typeOid)) c.parser = keepText;
    return m;
  };
  return plugin;
}
