// Nexmark q13 in SQL (bench/nexmark/sql/q13.sql), a bounded side input join: the `nexmark` bids
// looked up in a filesystem table FOR SYSTEM_TIME AS OF their processing time, against DuckDB
// joining the generator's bids, written to a file by plain code, with the same side input file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sideInputDdl } from '../../bench/nexmark/side-input.js';
import { isBid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { duckdb, multiset } from './duckdb-oracle.js';

const EVENTS = 20_000;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8').replace(/;\s*$/, '');
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-q13-'));
const sidePath = /'path' = '([^']*)'/.exec(sideInputDdl())![1]!;

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  const gen = new NexmarkGenerator();
  const lines: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const e = gen.event(i);
    if (isBid(e)) lines.push(JSON.stringify({ auction: e.auction, bidder: e.bidder, price: e.price, ms: e.dateTime }));
  }
  const path = join(dir, 'bids.json');
  writeFileSync(path, lines.join('\n') + '\n');
  oracle = await duckdb({
    bid: `read_json('${path}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'ms': 'BIGINT'})`,
    side_input: `read_csv('${sidePath}', header = false, columns = {'key': 'BIGINT', 'value': 'VARCHAR'})`,
  });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Nexmark q13 in SQL (bounded side input join)', () => {
  it('agrees with DuckDB', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(sqlFile('ddl.sql').replace("'events.num' = '100000'", `'events.num' = '${EVENTS}'`));
    tEnv.executeSql(sideInputDdl().replace(/;\s*$/, ''));
    const t = tEnv.sqlQuery(sqlFile('q13.sql'));
    const got = (await t.execute().collect()).map((row) => t.columns.map((c) => row[c.name]));
    const expected = await oracle.query('SELECT b.auction, b.bidder, b.price, b.ms, s.value FROM bid b JOIN side_input s ON b.auction % 10000 = s.key');
    expect(expected.length).toBeGreaterThan(1000);
    expect(multiset(got)).toEqual(multiset(expected));
    const plan = JSON.stringify(await tEnv.executeSql(`EXPLAIN ${sqlFile('q13.sql')}`).collect());
    expect(plan).toContain('LookupJoin(table=[side_input], joinType=[InnerJoin], lookup=[key], on=[mod(B.auction, 10000) = S.key])');
    expect(plan).toContain('sqlSideInputJoin');
  });
});
