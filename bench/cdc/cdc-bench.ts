/**
 * `npm run bench -- cdc [mariadb] [postgres] [--rows N] [--rate R] [--seconds S] [--tick-ms M] [--trials T] [-p P]
 * [--measures snapshot,streaming,backlog] [--nice N]`: the CDC sources against private servers started here (the
 * test helpers' MariaDB with the binlog on, PostgreSQL with wal_level=logical), one JSON line per
 * measure (all three by default):
 * - `snapshot`: a bounded snapshot (`scan.startup.mode` = `snapshot`, P readers on one thread, 1 by default) of an N-row
 *   table into a counting sink, beside the server's own dump tool (`mariadb-dump` / `pg_dump`, data
 *   only, into /dev/null) of the same table timed in the same run; `ratio` is Weir's rows/s over
 *   the dump's (target >= 0.5). The fastest of T trials of each is kept, with the server's CPU seconds during
 *   it (`serverCpuSec`, `dumpServerCpuSec`: what each asks of the server, which shares the cores).
 * - `streaming`: a job from `latest-offset` while a separate writer process changes the table at R
 *   row changes a second for S seconds, in ticks of M ms (50; bench/cdc/writer-plan.ts); `changesPerSec`
 *   is the changes over the time from the writer's start to the last change reaching the sink, `p99LagMs`
 *   the 99th percentile of the time from the writer sending a row's statement to the row reaching the
 *   sink (targets: >= 50K/s, < 1 s). The writer's pace bounds `changesPerSec`: `writerChangesPerSec`
 *   says what it managed. CPU seconds meanwhile: the job's process (`jobCpuSec`, and per change),
 *   the writer's (`writerCpuSec`) and the database server's, all its processes (`serverCpuSec`).
 * With `--nice N` (below 0 needs root) the benchmark runs in a session of its own whose autogroup, and every
 * thread of the job's process, the writer and the server, have niceness N: on a shared machine they get the
 * CPU they ask for, which says whether the job keeps up when it has the CPU.
 * - `backlog`: the reading rate alone. The writer's R x S changes are written while no job runs, then
 *   a job restored from a checkpoint taken before them reads them all (no lag: they wait by design).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from '../../src/index.js';
import { MysqlCdcSourceBuilder } from '../../src/connectors/mysql-cdc/index.js';
import { PostgresCdcSourceBuilder } from '../../src/connectors/postgres-cdc/index.js';
import { startMariadb } from '../../test/connectors/mysql-cdc/mariadb-instance.js';
import { startPostgres } from '../../test/connectors/postgres-cdc/pg-instance.js';
import { LagStats, lagSink } from './lag-sink.js';
import { serverCpuSeconds, serverPid } from './server-cpu.js';
import { autogroup, inOwnSession, setNice } from './priority.js';
import { childPids } from './proc.js';
import type { WriterResult } from './writer-loop.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

interface Args {
  dbs: Db[];
  rows: number;
  rate: number;
  seconds: number;
  /** The writer's tick: each tick's share of the changes goes in one statement per operation. */
  tickMs: number;
  trials: number;
  /** Snapshot readers (all on one thread: they overlap the server's work with the parsing). */
  parallelism: number;
  measures: Measure[];
  /** With it, the niceness of the job's process, the writer and the server (all their threads): below 0, they get the CPU they ask for on a shared machine. */
  nice: number | undefined;
}

type Measure = 'snapshot' | 'streaming' | 'backlog';
const MEASURES: readonly Measure[] = ['snapshot', 'streaming', 'backlog'];

type Db = 'mariadb' | 'postgres';

/** One private server, as the benchmark drives it. */
interface Server {
  readonly port: number;
  query(sql: string): Promise<unknown>;
  /** The dump tool's command line for the data of table `items`. */
  dump(): [string, string[]];
  /** A CDC source on `items` in this mode. */
  source(
    mode: 'snapshot' | 'latest-offset',
    name: string,
  ): ReturnType<typeof PostgresCdcSourceBuilder.prototype.build> | ReturnType<typeof MysqlCdcSourceBuilder.prototype.build>;
  stop(): Promise<void>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { dbs: [], rows: 1_000_000, rate: 50_000, seconds: 10, tickMs: 50, trials: 1, parallelism: 1, measures: [...MEASURES], nice: undefined };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const num = () => Number(String(argv[++i]).replace(/_/g, ''));
    if (v === '--rows') a.rows = num();
    else if (v === '--rate') a.rate = num();
    else if (v === '--seconds') a.seconds = num();
    else if (v === '--tick-ms') a.tickMs = num();
    else if (v === '--trials') a.trials = num();
    else if (v === '--parallelism' || v === '-p') a.parallelism = num();
    else if (v === '--nice') a.nice = num();
    else if (v === '--measures') {
      a.measures = String(argv[++i]).split(',') as Measure[];
      for (const m of a.measures) if (!MEASURES.includes(m)) throw new Error(`cdc bench: unknown measure '${m}' (${MEASURES.join(', ')})`);
    } else if (v === 'mariadb' || v === 'postgres') a.dbs.push(v);
    else
      throw new Error(
        `cdc bench: unknown argument '${v}' (mariadb, postgres, --rows, --rate, --seconds, --tick-ms, --trials, --parallelism, --measures, --nice)`,
      );
  }
  if (a.dbs.length === 0) a.dbs = ['mariadb', 'postgres'];
  for (const k of ['rows', 'rate', 'seconds', 'tickMs', 'trials', 'parallelism'] as const)
    if (!(Number.isInteger(a[k]) && a[k] > 0)) throw new Error(`cdc bench: --${k} must be a positive integer`);
  if (a.nice !== undefined && !(Number.isInteger(a.nice) && a.nice >= -20 && a.nice <= 19))
    throw new Error('cdc bench: --nice must be an integer from -20 to 19');
  return a;
}

async function startServer(db: Db, rows: number): Promise<Server> {
  if (db === 'mariadb') {
    const m = await startMariadb();
    // The writer process connects as `weir`, which the helper lets only read.
    await m.query(`GRANT ALL ON weir.* TO 'weir'@'%'`);
    await m.query(
      'CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s varchar(100), amount decimal(12,2) NOT NULL DEFAULT 0, created datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), t bigint NOT NULL DEFAULT 0) ENGINE=InnoDB',
    );
    await m.query(
      `INSERT INTO items (id, v, s, amount, created) SELECT seq, seq % 1000, CONCAT('row ', seq), seq / 100, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_${rows}`,
    );
    return {
      port: m.port,
      query: (sql) => m.query(sql),
      dump: () => [
        'mariadb-dump',
        ['--no-defaults', '-h127.0.0.1', `-P${m.port}`, '-uweir', '-pweir', '--single-transaction', '--no-create-info', '--skip-lock-tables', 'weir', 'items'],
      ],
      source: (mode, name) =>
        MysqlCdcSourceBuilder.create()
          .hostname('127.0.0.1')
          .port(m.port)
          .username('weir')
          .password('weir')
          .databaseName('weir')
          .tableName('items')
          .serverId(name === 'snapshot' ? '5400-5404' : '5500-5504')
          .startupMode(mode)
          .build(),
      stop: () => m.stop(),
    };
  }
  const p = await startPostgres();
  await p.query(
    'CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, s text, amount numeric(12,2) NOT NULL DEFAULT 0, created timestamp(3) NOT NULL DEFAULT now(), t bigint NOT NULL DEFAULT 0)',
  );
  await p.query('ALTER TABLE items REPLICA IDENTITY FULL');
  await p.query(
    `INSERT INTO items (id, v, s, amount, created) SELECT g, g % 1000, 'row ' || g, g / 100.0, timestamp '2024-01-01' + g * interval '1 second' FROM generate_series(1, ${rows}) g`,
  );
  await p.query('VACUUM ANALYZE items');
  return {
    port: p.port,
    query: (sql) => p.query(sql),
    dump: () => ['pg_dump', ['-h', '127.0.0.1', '-p', String(p.port), '-U', 'weir', '--data-only', '-t', 'items', 'weir']],
    source: (mode, name) =>
      PostgresCdcSourceBuilder.create()
        .hostname('127.0.0.1')
        .port(p.port)
        .username('weir')
        .password('weir')
        .databaseName('weir')
        .tableName('items')
        .slotName(`bench_${name}`)
        .startupMode(mode)
        .build(),
    stop: () => p.stop(),
  };
}

/** Seconds the dump tool takes to write the table's data to /dev/null. */
function timeDump(cmd: [string, string[]]): Promise<number> {
  const start = performance.now();
  return new Promise((res, rej) => {
    const child = spawn(cmd[0], cmd[1], { env: { ...process.env, PGPASSWORD: 'weir' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res((performance.now() - start) / 1000) : rej(new Error(`${cmd[0]} exited with ${code}: ${err}`))));
  });
}

/**
 * Seconds a bounded snapshot of the table takes, start to end of the job, and the CPU seconds of
 * this process (the job's side) meanwhile; checks every row arrived.
 */
async function timeSnapshot(server: Server, rows: number, trial: number, parallelism: number): Promise<{ took: number; cpu: number }> {
  const env = StreamEnvironment.create({ parallelism, slotMode: 'single-thread' });
  const stats = new LagStats();
  env.fromSource(server.source('snapshot', `snapshot${trial}`)).sinkTo(lagSink(stats));
  const start = performance.now();
  const cpu = process.cpuUsage();
  await env.execute('cdc-bench-snapshot');
  const took = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);

  if (stats.changes !== rows) throw new Error(`the snapshot brought ${stats.changes} rows, not ${rows}`);
  return { took, cpu: (used.user + used.system) / 1e6 };
}

/** Runs the writer process; resolves with what it wrote and when it started writing (ms since the epoch). */
function runWriter(db: Db, port: number, a: Args, round: number): Promise<WriterResult> {
  return new Promise((res, rej) => {
    const node = [
      process.execPath,
      '--import',
      'tsx',
      join(here, 'cdc-writer.ts'),
      db,
      String(port),
      String(a.rate),
      String(a.seconds),
      String(a.rows),
      String(round),
      String(a.tickMs),
    ];
    // Through nice(1), so every thread of the writer starts with the niceness.
    const [cmd, ...args] = a.nice === undefined ? node : ['nice', '-n', String(a.nice), ...node];
    const child = spawn(cmd!, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out) as WriterResult) : rej(new Error(`the writer exited with ${code}`))));
  });
}

/** Writers run on the current server so far (each changes its own rows). */
let writerRounds = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond`, failing after `what` made no progress (per `progress`) for 30 s. */
async function waitFor(what: string, cond: () => boolean, progress: () => number): Promise<void> {
  let last = progress();
  let since = Date.now();
  while (!cond()) {
    await sleep(20);
    if (progress() !== last) {
      last = progress();
      since = Date.now();
    } else if (Date.now() - since > 30_000) throw new Error(`cdc bench: no progress towards ${what} for 30 s`);
  }
}

/**
 * A streaming job from `latest-offset` into `stats`, checkpointing into `dir` every second; with `restore`, from the latest checkpoint there.
 * Each measure has its own `name` (PostgreSQL: its own slot, so none starts behind where another stopped).
 */
function startStreamingJob(server: Server, name: string, dir: string, stats: LagStats, restore: boolean) {
  const env = StreamEnvironment.create({
    parallelism: 1,
    slotMode: 'single-thread',
    'execution.checkpointing.interval': '1s',
    'state.checkpoints.dir': dir,
    ...(restore ? { restore: { latest: true } } : {}),
  });
  env.fromSource(server.source('latest-offset', name)).sinkTo(lagSink(stats));
  return env.executeAsync('cdc-bench-streaming');
}

/** Changes the table until the job sees it: then the log reader is streaming. */
async function awaitProbe(server: Server, a: Args, stats: LagStats): Promise<void> {
  for (let t = 0; stats.changes === 0; t++) {
    if (t % 50 === 0) await server.query(`UPDATE items SET v = v + 1 WHERE id = ${Math.floor(a.rows / 2)}`);
    if (t > 3000) throw new Error('cdc bench: the streaming job never saw the probe');
    await sleep(20);
  }
}

async function streaming(db: Db, server: Server, a: Args): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cdc-bench-'));
  const stats = new LagStats();
  const job = startStreamingJob(server, 'stream', dir, stats, false);
  try {
    await awaitProbe(server, a, stats);
    await sleep(500);
    stats.changes = 0;
    stats.lags.length = 0;
    const pid = serverPid(db, server.port);
    const serverCpu = serverCpuSeconds(pid);
    const cpu = process.cpuUsage();
    const w = await runWriter(db, server.port, a, writerRounds++);
    await waitFor(
      `the writer's ${w.changes} changes`,
      () => stats.changes >= w.changes,
      () => stats.changes,
    );
    const used = process.cpuUsage(cpu);
    const jobCpuSec = (used.user + used.system) / 1e6;
    return {
      changes: stats.changes,
      tickMs: a.tickMs,
      writerChangesPerSec: Math.round(w.changes / w.seconds),
      writerStatements: w.statements,
      changesPerSec: Math.round(stats.changes / ((stats.lastAt - w.startedAt) / 1000)),
      p50LagMs: stats.quantile(0.5),
      p99LagMs: stats.quantile(0.99),
      maxLagMs: stats.quantile(1),
      jobCpuSec: +jobCpuSec.toFixed(2),
      changesPerCpuSec: Math.round(stats.changes / jobCpuSec),
      jobCpuUsPerChange: +((jobCpuSec / stats.changes) * 1e6).toFixed(2),
      writerCpuSec: +w.cpuSeconds.toFixed(2),
      serverCpuSec: +(serverCpuSeconds(pid) - serverCpu).toFixed(2),
    };
  } finally {
    await job.cancel();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The reading rate alone, without the writer's pace as a ceiling: a job streams until it has a
 * checkpoint, stops, the writer changes the table, and a job restored from that checkpoint reads
 * the whole backlog. `changesPerSec` is over the time from the restored job's start (connecting,
 * restoring, subscribing included) to the last change reaching the sink, `drainChangesPerSec` from
 * its first change to its last. There is no lag figure: every change waited for the job by design.
 */
async function backlog(db: Db, server: Server, a: Args): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cdc-bench-'));
  try {
    const first = new LagStats();
    const job = startStreamingJob(server, 'backlog', dir, first, false);
    try {
      await awaitProbe(server, a, first);
      // Two checkpoint intervals: one checkpoint after the probe has completed.
      await sleep(2500);
    } finally {
      await job.cancel();
    }
    const w = await runWriter(db, server.port, a, writerRounds++);
    const stats = new LagStats();
    const cpu = process.cpuUsage();
    const start = Date.now();
    const restored = startStreamingJob(server, 'backlog', dir, stats, true);
    try {
      await waitFor(
        `the backlog's ${w.changes} changes`,
        () => stats.changes >= w.changes,
        () => stats.changes,
      );
      const used = process.cpuUsage(cpu);
      return {
        changes: stats.changes,
        changesPerCpuSec: Math.round(stats.changes / ((used.user + used.system) / 1e6)),
        writerChangesPerSec: Math.round(w.changes / w.seconds),
        writerCpuSec: +w.cpuSeconds.toFixed(2),
        changesPerSec: Math.round(stats.changes / ((stats.lastAt - start) / 1000)),
        drainChangesPerSec: Math.round(stats.changes / ((stats.lastAt - stats.firstAt) / 1000)),
      };
    } finally {
      await restored.cancel();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function cdcBench(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  if (a.nice !== undefined) {
    const code = await inOwnSession(a.nice);
    if (code !== undefined) {
      process.exitCode = code;
      return;
    }
  }
  for (const db of a.dbs) {
    const server = await startServer(db, a.rows);
    if (a.nice !== undefined) {
      // Before any job connects: PostgreSQL's backends and WAL senders forked later inherit the postmaster's.
      const pid = serverPid(db, server.port);
      setNice([process.pid, pid, ...childPids(pid)], a.nice);
      if (autogroup(pid) !== autogroup()) console.error(`cdc bench: the ${db} server is in ${autogroup(pid)}, not the benchmark's ${autogroup()}`);
    }
    writerRounds = 0;
    try {
      if (a.measures.includes('snapshot')) await snapshot(server, db, a);
      for (const m of ['streaming', 'backlog'] as const) {
        if (!a.measures.includes(m)) continue;
        const s = await (m === 'streaming' ? streaming : backlog)(db, server, a);
        console.log(
          JSON.stringify({
            bench: 'cdc',
            db,
            measure: m,
            rate: a.rate,
            seconds: a.seconds,
            ...s,
            ...(a.nice === undefined ? {} : { nice: a.nice, autogroup: autogroup() }),
            loadavg1: +loadavg()[0]!.toFixed(2),
          }),
        );
      }
    } finally {
      await server.stop();
    }
  }
}

async function snapshot(server: Server, db: Db, a: Args): Promise<void> {
  const pid = serverPid(db, server.port);
  let dump = Infinity;
  let dumpServerCpu = 0;
  let weir = Infinity;
  let cpu = 0;
  let serverCpu = 0;
  for (let t = 0; t < a.trials; t++) {
    let before = serverCpuSeconds(pid);
    const d = await timeDump(server.dump());
    if (d < dump) [dump, dumpServerCpu] = [d, serverCpuSeconds(pid) - before];
    before = serverCpuSeconds(pid);
    const m = await timeSnapshot(server, a.rows, t, a.parallelism);
    if (m.took < weir) [weir, cpu, serverCpu] = [m.took, m.cpu, serverCpuSeconds(pid) - before];
  }
  console.log(
    JSON.stringify({
      bench: 'cdc',
      db,
      measure: 'snapshot',
      rows: a.rows,
      rowsPerSec: Math.round(a.rows / weir),
      rowsPerCpuSec: Math.round(a.rows / cpu),
      dumpTool: server.dump()[0],
      // The server's CPU seconds during the best trial of each: what the snapshot asks of the server beside what the dump asks.
      serverCpuSec: +serverCpu.toFixed(2),
      dumpRowsPerSec: Math.round(a.rows / dump),
      dumpServerCpuSec: +dumpServerCpu.toFixed(2),
      ratio: +(dump / weir).toFixed(3),
      parallelism: a.parallelism,
      loadavg1: +loadavg()[0]!.toFixed(2),
    }),
  );
}
