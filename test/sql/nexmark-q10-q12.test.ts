// Nexmark q10 and q12 as written in bench/nexmark/sql/ (scripts with their own sink tables).
// q10 writes every bid into a filesystem table PARTITIONED BY (dt, hm): the files it wrote, read
// back by DuckDB with hive partitioning, equal DuckDB's own projection of the generator's bids.
// q12 counts bids in processing-time windows, which depend on the wall clock: its counts are
// checked against plain code over the generator (per bidder, and windows well-formed).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBid, NexmarkGenerator } from '../../src/connectors/nexmark/index.js';
import { TableEnvironment } from '../../src/sql-entry.js';
import { parseScript } from '../../src/sql/statement-parser.js';
import { runSqlQuery } from '../../bench/sql/nexmark-sql-job.js';
import { duckdb, multiset } from './duckdb-oracle.js';

const EVENTS = 10_000;
// 50 events a second of event time: 200 seconds, so q10 writes several minute partitions.
const RATE = 50;
const root = new URL('../../bench/nexmark/sql/', import.meta.url);
const sqlFile = (name: string) => readFileSync(new URL(name, root), 'utf8');
const DDL = sqlFile('ddl.sql').replace(/;\s*$/, '').replace("'events.num' = '100000'", `'events.num' = '${EVENTS}', 'first-event.rate' = '${RATE}'`);
const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-q10-q12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bids = (() => {
  const gen = new NexmarkGenerator({ eventsPerSecond: RATE });
  const out = [];
  for (let i = 0; i < EVENTS; i++) {
    const e = gen.event(i);
    if (isBid(e)) out.push(e);
  }
  return out;
})();

/** The statements of a script file, its sink's 'path' moved to `path`. */
function script(file: string, path?: string) {
  const text = path === undefined ? sqlFile(file) : sqlFile(file).replace(/'path' = '[^']*'/, `'path' = '${path}'`);
  return { text, statements: parseScript(text).map((p) => p.statement) };
}

describe('Nexmark q10: bids into a filesystem table partitioned by day and minute', () => {
  it('the part files, read back with their partition columns, are DuckDB’s projection of the bids', async () => {
    const out = join(dir, 'q10');
    const { text, statements } = script('q10.sql', out);
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(DDL);
    for (const s of statements.slice(0, -1)) tEnv.executeStatement(s, text);
    await tEnv.executeStatement(statements.at(-1)!, text).await();

    const partitions = readdirSync(out).flatMap((dt) => readdirSync(join(out, dt)).map((hm) => `${dt}/${hm}`));
    expect(partitions.length).toBeGreaterThan(2);
    expect(partitions.every((p) => /^dt=\d{4}-\d\d-\d\d\/hm=\d\d%3A\d\d$/.test(p))).toBe(true);
    // Nexmark's partition commit: the input ended, so every partition has its success file.
    expect(partitions.filter((p) => !existsSync(join(out, p, '_SUCCESS')))).toEqual([]);

    const path = join(dir, 'bids.json');
    writeFileSync(path, bids.map((b) => JSON.stringify({ ...b, ms: b.dateTime })).join('\n') + '\n');
    const oracle = await duckdb({
      bid: `(SELECT *, make_timestamp(ms * 1000) AS dt FROM read_json('${path}', format = 'newline_delimited', columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'ms': 'BIGINT', 'extra': 'VARCHAR'}))`,
      written: `read_csv('${out}/**/*.csv', header = false, hive_partitioning = true, hive_types_autocast = false,
        columns = {'auction': 'BIGINT', 'bidder': 'BIGINT', 'price': 'BIGINT', 'dateTime': 'VARCHAR', 'extra': 'VARCHAR'})`,
    });
    try {
      const expected = await oracle.query(
        `SELECT auction, bidder, price, strftime(dt, '%Y-%m-%d %H:%M:%S.%g'), extra, strftime(dt, '%Y-%m-%d'), strftime(dt, '%H:%M') FROM bid`,
      );
      expect(expected.length).toBe(bids.length);
      const written = await oracle.query('SELECT auction, bidder, price, dateTime, extra, dt, hm FROM written');
      expect(multiset(written)).toEqual(multiset(expected));
    } finally {
      oracle.close();
    }
  });

  it('runs in the benchmark runner, which moves its path', async () => {
    const out = join(dir, 'bench-q10');
    await runSqlQuery('q10', 2000, 0, out);
    expect(readdirSync(out).every((d) => d.startsWith('dt='))).toBe(true);
  });
});

describe('Nexmark q12: bids per bidder in processing-time TUMBLE windows', () => {
  it('every bid is counted once, in a 10-second window of the clock while the job ran', async () => {
    const { text, statements } = script('q12.sql');
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(DDL);
    // The sink table and the view as written; the INSERT's query is read here instead of the blackhole.
    for (const s of statements.slice(0, -1)) tEnv.executeStatement(s, text);
    const insert = statements.at(-1)!;
    if (insert.kind !== 'insert') throw new Error('q12.sql ends with its INSERT');
    const select = text.slice(text.lastIndexOf('SELECT bidder')).replace(/;\s*$/, '');
    const t = tEnv.sqlQuery(select);
    expect(t.updating).toBe(false);
    const before = Date.now();
    const rows = await t.execute().collect();
    const after = Date.now();

    const perBidder = new Map<number, number>();
    for (const b of bids) perBidder.set(b.bidder, (perBidder.get(b.bidder) ?? 0) + 1);
    const counted = new Map<number, number>();
    const windows = new Set<string>();
    for (const r of rows) {
      const [bidder, n, start, end] = [r.bidder, r.bid_count, r.starttime, r.endtime] as number[];
      counted.set(bidder!, (counted.get(bidder!) ?? 0) + n!);
      expect(end! - start!).toBe(10_000);
      expect(start! % 10_000).toBe(0);
      expect(start!).toBeGreaterThan(before - 10_000);
      expect(start!).toBeLessThanOrEqual(after);
      const key = `${bidder}@${start}`;
      expect(windows.has(key), `bidder ${bidder} twice in the window at ${start}`).toBe(false);
      windows.add(key);
    }
    expect(counted).toEqual(perBidder);
  });

  it('a window over a view needs a time attribute of it', () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(DDL);
    tEnv.executeSql('CREATE VIEW v AS SELECT bidder, price, dateTime, PROCTIME() AS p FROM bid');
    expect(() =>
      tEnv.sqlQuery("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(price), INTERVAL '1' SECOND)) GROUP BY window_start, window_end"),
    ).toThrow("The time column of TUMBLE must be a time attribute of view 'v': its event-time attribute or a column AS PROCTIME(); 'price' is neither");
    expect(() =>
      tEnv.sqlQuery("SELECT COUNT(*) FROM TABLE(CUMULATE(TABLE v, DESCRIPTOR(p), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end"),
    ).toThrow('CUMULATE over processing time is not supported yet');
    // The event-time attribute carried through the view still makes event-time windows.
    expect(
      tEnv.sqlQuery("SELECT bidder, COUNT(*) FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY bidder, window_start, window_end")
        .updating,
    ).toBe(false);
  });
});
