// The lookup join's async function against a real PostgreSQL table: the keys of the rows handed
// over together go to the database in one query; the partial cache answers repeated keys (also
// missing ones, unless told not to) until they expire or are evicted; without the cache every row
// sees the table as it is now. The LRU cache on its own, on explicit times.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import type { ResultFuture } from '../../src/core/async-function.js';
import { jdbcTable } from '../../src/sql/connectors/jdbc-table.js';
import type { LookupClient, TableContext } from '../../src/sql/connectors/table-connector.js';
import { LookupCache } from '../../src/sql/operators/lookup-cache.js';
import { lookupOptions, type LookupCacheOptions } from '../../src/sql/lookup-options.js';
import { LookupJoinFunction } from '../../src/sql/operators/lookup-join-function.js';
import type { Row } from '../../src/sql/index.js';
import { T } from '../../src/sql/sql-types.js';
import { haveTestDatabases, postgresTest } from '../connectors/jdbc/jdbc-databases.js';

const available = await haveTestDatabases();

function tableContext(table: string): TableContext {
  return {
    table: 'dim',
    partitionKeys: [],
    columns: [
      { name: 'id', type: T.BIGINT, nullable: false },
      { name: 'name', type: T.STRING, nullable: true },
    ],
    options: new Map([
      ['url', 'jdbc:postgresql://127.0.0.1:5432/test'],
      ['table-name', table],
      ['username', 'postgres'],
    ]),
    primaryKey: ['id'],
    metadata: new Map(),
    fail: (m) => {
      throw new Error(m);
    },
  };
}

/** The function over `table`, with every query's keys recorded. */
function lookupFunction(table: string, cache: LookupCacheOptions | undefined) {
  const queries: unknown[][][] = [];
  const lookup = jdbcTable.lookup!(tableContext(table), ['id']);
  const fn = new LookupJoinFunction({
    type: 'LEFT',
    table: 'dim',
    lookup: {
      ...lookup,
      connect: async (): Promise<LookupClient> => {
        const client = await lookup.connect();
        return {
          lookup: (keys) => {
            queries.push(keys.map((k) => [...k]));
            return client.lookup(keys);
          },
          close: () => client.close(),
        };
      },
    },
    options: { cache, maxRetries: 0 },
    probeKey: (r) => (r.k === null ? null : [r.k]),
    tableKey: (r) => [r.id],
    read: (raw) => ({ id: Number(raw.id), name: raw.name }),
    combine: (l, r) => ({ k: l.k, name: r.name }),
    nullRight: { id: null, name: null },
    residual: undefined,
  });
  /** Looks up rows handed over together, as one input batch is. */
  const probe = (...ks: (number | null)[]) =>
    Promise.all(
      ks.map(
        (k) =>
          new Promise<Row[]>((resolve, reject) => {
            const rf: ResultFuture<Row> = { complete: (rs) => resolve([...rs]), completeExceptionally: reject };
            fn.asyncInvoke({ k }, rf);
          }),
      ),
    ).then((rs) => rs.map((r) => r.map((x) => x.name)));
  return { fn, queries, probe };
}

const FOREVER = { maxRows: 100, expireAfterWrite: Infinity, expireAfterAccess: Infinity, cacheMissingKey: true };

describe.skipIf(!available)('lookup join function on PostgreSQL', () => {
  it('batches keys per hand-over, caches found and missing keys, and sees changes without a cache', async () => {
    const db = await postgresTest();
    const table = `lookup_fn_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name text)`);
    try {
      await db.query(`INSERT INTO ${table} SELECT g, 'n' || g FROM generate_series(1, 5) g`);
      const cached = lookupFunction(table, FOREVER);
      const fresh = lookupFunction(table, undefined);
      await cached.fn.open();
      await fresh.fn.open();
      // One query for the distinct keys of rows handed over together; a NULL key is not looked up.
      expect(await cached.probe(1, 2, 2, 9, null)).toEqual([['n1'], ['n2'], ['n2'], [null], [null]]);
      expect(cached.queries).toEqual([[[1], [2], [9]]]);
      await db.query(`UPDATE ${table} SET name = 'changed' WHERE id = 1`);
      await db.query(`INSERT INTO ${table} VALUES (9, 'n9')`);
      // Cached (also the missing key 9): no query, the values as first read.
      expect(await cached.probe(1, 9)).toEqual([['n1'], [null]]);
      expect(cached.queries).toHaveLength(1);
      expect(await cached.probe(1, 3)).toEqual([['n1'], ['n3']]);
      expect(cached.queries[1]).toEqual([[3]]);
      // Without a cache, the table as it is now.
      expect(await fresh.probe(1, 9)).toEqual([['changed'], ['n9']]);
      expect(await fresh.probe(1)).toEqual([['changed']]);
      expect(fresh.queries).toHaveLength(2);
      await cached.fn.close();
      await fresh.fn.close();

      const noMissing = lookupFunction(table, { ...FOREVER, cacheMissingKey: false });
      await noMissing.fn.open();
      await noMissing.probe(42);
      await noMissing.probe(42);
      expect(noMissing.queries).toEqual([[[42]], [[42]]]);
      await noMissing.fn.close();
    } finally {
      await db.query(`DROP TABLE ${table}`);
      await db.close();
    }
  });
});

describe('LookupCache', () => {
  const rows = (n: number) => [{ n }];
  it('evicts the least recently used key beyond max-rows', () => {
    const c = new LookupCache({ ...FOREVER, maxRows: 2 });
    c.put('a', rows(1), 0);
    c.put('b', rows(2), 0);
    expect(c.get('a', 1)).toEqual(rows(1)); // a is now the most recently used
    c.put('c', rows(3), 2);
    expect(c.get('b', 3)).toBeUndefined();
    expect(c.get('a', 3)).toEqual(rows(1));
    expect(c.size).toBe(2);
  });

  it('expires after write and after access', () => {
    const w = new LookupCache({ ...FOREVER, expireAfterWrite: 10 });
    w.put('a', rows(1), 0);
    expect(w.get('a', 9)).toEqual(rows(1));
    expect(w.get('a', 10)).toBeUndefined();
    const a = new LookupCache({ ...FOREVER, expireAfterAccess: 10 });
    a.put('a', rows(1), 0);
    expect(a.get('a', 9)).toEqual(rows(1));
    expect(a.get('a', 18)).toEqual(rows(1));
    expect(a.get('a', 28)).toBeUndefined();
  });

  it('keeps a missing key only with cache-missing-key', () => {
    const yes = new LookupCache(FOREVER);
    yes.put('a', [], 0);
    expect(yes.get('a', 1)).toEqual([]);
    const no = new LookupCache({ ...FOREVER, cacheMissingKey: false });
    no.put('a', [], 0);
    expect(no.get('a', 1)).toBeUndefined();
  });
});

describe('lookupOptions', () => {
  const read = (options: Record<string, string>) => lookupOptions({ ...tableContext('t'), options: new Map(Object.entries(options)) });
  it("reads Flink's partial cache options, and its older form", () => {
    expect(read({})).toEqual({ cache: undefined, maxRetries: 3 });
    expect(
      read({
        'lookup.cache': 'PARTIAL',
        'lookup.partial-cache.max-rows': '500',
        'lookup.partial-cache.expire-after-access': '30s',
        'lookup.partial-cache.cache-missing-key': 'false',
        'lookup.max-retries': '0',
      }),
    ).toEqual({ cache: { maxRows: 500, expireAfterWrite: Infinity, expireAfterAccess: 30_000, cacheMissingKey: false }, maxRetries: 0 });
    expect(read({ 'lookup.cache.max-rows': '100', 'lookup.cache.ttl': '10 min' })).toEqual({
      cache: { maxRows: 100, expireAfterWrite: 600_000, expireAfterAccess: Infinity, cacheMissingKey: true },
      maxRetries: 3,
    });
  });
});
