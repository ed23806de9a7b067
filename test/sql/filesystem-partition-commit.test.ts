// Flink's partition commit on the filesystem sink (`sink.partition-commit.*`, policy 'success-file'):
// a partition gets its _SUCCESS file only when its trigger holds (processing time past its first
// record plus the delay, or the watermark past its own time plus the delay) at a checkpoint barrier,
// and only once that checkpoint completed, so a success file never announces data a restore would
// take back. The files are the oracle: which _SUCCESS files exist, and DuckDB reading the rows back.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { Batch, fileSink, ManualClock } from '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { partitionTimeOf } from '../../src/sql/connectors/partition-commit-options.js';
import { duckdb, multiset } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-partition-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The relative paths of the files under `root`, hidden ones included. */
function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}
const successes = (root: string) => files(root).filter((f) => f.endsWith('_SUCCESS'));

// Bids over three hours of one day, two days in all.
const rows = Array.from({ length: 120 }, (_, i) => ({
  id: i,
  price: i * 3,
  dt: i < 100 ? '2024-01-01' : '2024-01-02',
  hm: `${String(10 + (i % 3)).padStart(2, '0')}:00`,
  ts: `${i < 100 ? '2024-01-01' : '2024-01-02'} ${String(10 + (i % 3)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`,
}));
const input = join(dir, 'bids.json');
writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
const partitions = [...new Set(rows.map((r) => `dt=${r.dt}/hm=${r.hm.replace(':', '%3A')}`))].sort();

function environment(out: string, options: string, settings: string[] = []): TableEnvironment {
  const tEnv = TableEnvironment.create();
  for (const s of settings) tEnv.executeSql(s);
  tEnv.executeSql(`CREATE TABLE bids (id INT, price INT, dt STRING, hm STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'json')`);
  tEnv.executeSql(`CREATE TABLE out (id INT, price INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
    WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json'${options})`);
  return tEnv;
}

async function readBack(out: string): Promise<string[]> {
  const db = await duckdb({
    back: `read_json('${out}/**/*.json', format = 'newline_delimited', columns = {'id': 'INTEGER', 'price': 'INTEGER'}, hive_partitioning = true, hive_types_autocast = false)`,
  });
  try {
    return multiset(await db.query('SELECT id, price, dt, hm FROM back'));
  } finally {
    db.close();
  }
}
const expected = multiset(rows.map((r) => [r.id, r.price, r.dt, r.hm]));

describe("filesystem sink 'sink.partition-commit.*'", () => {
  it('without checkpoints: every partition gets its _SUCCESS file when the input ends', async () => {
    const out = join(dir, 'no-checkpoints');
    const tEnv = environment(out, ", 'sink.partition-commit.policy.kind' = 'success-file'");
    await tEnv.executeSql('INSERT INTO out SELECT id, price, dt, hm FROM bids').await();
    expect(successes(out)).toEqual(partitions.map((p) => `${p}/_SUCCESS`));
    expect(await readBack(out)).toEqual(expected);
  });

  it.each([
    ['process-time', ''],
    ['partition-time', ", 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00', 'sink.partition-commit.delay' = '1 h'"],
  ])('exactly-once with checkpoints, %s trigger, at parallelism 2: every partition committed after its data, nothing hidden left', async (trigger, extra) => {
    const out = join(dir, `checkpointed-${trigger}`);
    const tEnv = environment(
      out,
      `, 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = '${trigger}', 'sink.partition-commit.success-file.name' = '_DONE'${extra}`,
      ["SET 'execution.checkpointing.interval' = '50 ms'", "SET 'parallelism.default' = '2'"],
    );
    await tEnv.executeSql('INSERT INTO out SELECT id, price, dt, hm FROM bids').await();
    expect(files(out).filter((f) => f.endsWith('_DONE'))).toEqual(partitions.map((p) => `${p}/_DONE`));
    expect(files(out).filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([]);
    expect(await readBack(out)).toEqual(expected);
  });

  it('names the options it cannot honour', () => {
    const bad = (options: string, message: string) => {
      const tEnv = environment(join(dir, 'bad'), options);
      expect(() => tEnv.executeSql('INSERT INTO out SELECT id, price, dt, hm FROM bids')).toThrow(message);
    };
    bad(", 'sink.partition-commit.trigger' = 'partition-time'", "option 'sink.partition-commit.trigger' needs 'sink.partition-commit.policy.kind'");
    bad(", 'sink.partition-commit.policy.kind' = 'metastore'", "partition commit policy 'metastore' is not supported (it needs a Hive metastore)");
    bad(", 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'watermark'", "must be 'process-time' or 'partition-time'");
    bad(
      ", 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.delay' = 'soon'",
      "option 'sink.partition-commit.delay' must be a duration",
    );
  });

  it("reads a partition's time as Flink's default extractor does", () => {
    const keys = ['dt', 'hm'];
    expect(partitionTimeOf('t', keys, '__DEFAULT_PARTITION__', '$dt $hm:00')('dt=2024-01-01/hm=12%3A30')).toBe(Date.UTC(2024, 0, 1, 12, 30));
    expect(partitionTimeOf('t', keys, '__DEFAULT_PARTITION__', undefined)('dt=2024-01-02/hm=12%3A30')).toBe(Date.UTC(2024, 0, 2));
    expect(() => partitionTimeOf('t', keys, '__DEFAULT_PARTITION__', '$hm')('dt=2024-01-01/hm=12%3A30')).toThrow(
      "partition 'dt=2024-01-01/hm=12%3A30' gives no time",
    );
  });
});

describe('fileSink partitionCommit under exactly-once checkpoints', () => {
  const ctx = { sinkName: 'files', subtaskIndex: 0, parallelism: 1, metrics: { inc() {} }, checkpointingMode: 'EXACTLY_ONCE' } as never;
  const hour = 3600_000;
  const at = (h: number) => Date.UTC(2024, 0, 1, h);

  it('partition-time: a partition is committed at the first completed checkpoint whose barrier saw the watermark past its hour plus the delay', async () => {
    const root = join(dir, 'partition-time');
    const sink = fileSink<{ h: number }>({
      path: root,
      format: 'json',
      bucket: (r) => `h=${r.h}`,
      partitionCommit: { trigger: 'partition-time', delay: hour, partitionTime: (b) => at(Number(b.slice(2))) },
    });
    const w = sink.createWriter(ctx);
    await w.recover!([]);
    w.write(Batch.of([{ h: 10 }, { h: 11 }]));
    w.onWatermark!(at(11) + 1);
    await w.preCommit!(1);
    // The barrier saw the watermark past 10:00 + 1 h, but checkpoint 1 has not completed.
    expect(successes(root)).toEqual([]);
    w.write(Batch.of([{ h: 11 }]));
    w.onWatermark!(at(13));
    await w.commit!(1);
    expect(successes(root)).toEqual(['h=10/_SUCCESS']);
    expect(files(root).filter((f) => !f.includes('/.'))).toEqual(['h=10/_SUCCESS', 'h=10/part-0-0.json', 'h=11/part-0-0.json']);
    await w.preCommit!(2);
    await w.commit!(2);
    expect(successes(root)).toEqual(['h=10/_SUCCESS', 'h=11/_SUCCESS']);
    await w.close!();
  });

  it('process-time: committed once the delay passed since the first record; a restore commits what the restored checkpoint found due', async () => {
    const root = join(dir, 'process-time');
    const clock = new ManualClock(0);
    const sink = fileSink<{ h: number }>({
      path: root,
      format: 'json',
      bucket: (r) => `h=${r.h}`,
      clock,
      partitionCommit: { trigger: 'process-time', delay: 1000 },
    });
    const w = sink.createWriter(ctx);
    await w.recover!([]);
    w.write(Batch.of([{ h: 1 }]));
    clock.advance(600);
    w.write(Batch.of([{ h: 2 }]));
    clock.advance(600);
    const committable = await w.preCommit!(1);
    // The process dies before checkpoint 1 completes: a restore from it commits its parts, then h=1 (due at its barrier); h=2 waits on.
    await w.close!();
    expect(successes(root)).toEqual([]);
    const again = sink.createWriter(ctx);
    await again.recover!([JSON.parse(JSON.stringify(committable))]);
    expect(files(root).filter((f) => !f.includes('/.'))).toEqual(['h=1/_SUCCESS', 'h=1/part-0-0.json', 'h=2/part-0-0.json']);
    clock.advance(600);
    await again.preCommit!(2);
    await again.commit!(2);
    expect(successes(root)).toEqual(['h=1/_SUCCESS', 'h=2/_SUCCESS']);
    expect(existsSync(join(root, 'h=2', 'part-0-0.json'))).toBe(true);
    await again.close!();
  });
});

describe('partition commit in a SQL job that fails twice mid-stream', () => {
  it('resumes from its checkpoints: every row once, every partition committed once all its rows are visible', async () => {
    const out = join(dir, 'recovery');
    const ROWS = 1200;
    const tEnv = TableEnvironment.create({
      'execution.checkpointing.interval': '20ms',
      'state.checkpoints.dir': join(dir, 'recovery-chk'),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const failAt = new Set([400, 900]);
    tEnv.createTemporarySystemFunction(
      'PASS',
      (id: number) => {
        if (failAt.delete(id)) throw new Error(`injected failure at row ${id}`);
        return true;
      },
      'BOOLEAN',
    );
    // One row per second of event time from midnight: a partition (hm) per minute, 20 in all.
    tEnv.executeSql(`CREATE TABLE src (id BIGINT, ts AS TIMESTAMPADD(SECOND, CAST(id AS INT), TIMESTAMP '2024-01-01 00:00:00'), WATERMARK FOR ts AS ts)
      WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${ROWS - 1}', 'rows-per-second' = '4000')`);
    tEnv.executeSql(`CREATE TABLE sink (id BIGINT, hm STRING) PARTITIONED BY (hm) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv',
      'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'partition-time',
      'partition.time-extractor.timestamp-pattern' = '2024-01-01 $hm:00', 'sink.partition-commit.delay' = '1 min')`);
    await tEnv.executeSql("INSERT INTO sink SELECT id, DATE_FORMAT(ts, 'HH:mm') FROM src WHERE PASS(id)").await();
    expect(failAt.size).toBe(0);
    const minutes = Array.from({ length: ROWS / 60 }, (_, m) => `hm=00%3A${String(m).padStart(2, '0')}`);
    expect(successes(out)).toEqual(minutes.map((p) => `${p}/_SUCCESS`));
    expect(files(out).filter((f) => f.split('/').pop()!.startsWith('.'))).toEqual([]);
    for (const [m, p] of minutes.entries()) {
      const ids = files(join(out, p))
        .filter((f) => f.startsWith('part-'))
        .flatMap((f) =>
          readFileSync(join(out, p, f), 'utf8')
            .split('\n')
            .filter(Boolean),
        )
        .map(Number)
        .sort((a, b) => a - b);
      expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => m * 60 + i));
      // The success file came after the last part of its partition became visible.
      const parts = files(join(out, p)).filter((f) => f.startsWith('part-'));
      const success = statSync(join(out, p, '_SUCCESS')).mtimeMs;
      for (const f of parts) expect(success).toBeGreaterThanOrEqual(statSync(join(out, p, f)).mtimeMs);
    }
  });
});
