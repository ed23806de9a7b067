// User text never becomes code: random strings built from the characters that end or escape
// JavaScript strings, templates and comments stay data as literals, as quoted column names and in
// LIKE patterns, through the compiled SELECT and WHERE.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';

const PIECES = ["'", '"', '`', '\\', '${', '}', '*/', '/*', '//', '\n', '\r', '\u2028', '\u2029', ');', 'process.exit(7)', 'r', 'k0', '$', ' ', 'a'];
const nasty = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const quoted = (s: string) => '`' + s.replaceAll('`', '``') + '`';

describe('compiled SQL with hostile text', () => {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql("CREATE TABLE one (id INT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1')");

  it('keeps literals, column names and LIKE patterns as data', async () => {
    await fc.assert(
      fc.asyncProperty(nasty, nasty, async (text, name) => {
        fc.pre(name !== 'id' && name !== 'same');
        const query = `SELECT ${literal(text)} AS ${quoted(name)}, ${literal(text)} = ${literal(text)} AS same FROM one WHERE ${literal(text)} LIKE ${literal(text.replaceAll('%', '').replaceAll('_', ''))} OR TRUE`;
        const rows = await tEnv.sqlQuery(query).execute().collect();
        expect(rows).toEqual([{ [name]: text, same: true }]);
      }),
      { numRuns: 150, seed: 12 },
    );
  });
});
