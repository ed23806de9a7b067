/**
 * `npm run bench:big-state [-- --keys N --value-bytes B --heap-mb M --backends lmdb,hashmap]`: a job
 * whose keyed state is far larger than the heap. Each of `--keys` distinct keys gets one value of
 * `--value-bytes` bytes in ValueState (and every tenth key is seen a second time, which reads its
 * value back). Each backend runs in a fresh process with `--max-old-space-size=<heap-mb>`; printed
 * per backend: whether the job ran to the end (or how it died), its time, events/s, peak RSS (the
 * process's high-water mark, read from /proc while it runs) and the peak of its anonymous part
 * (without the store's mapped file pages).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StreamEnvironment, blackhole, valueState, type ValueState } from '../src/index.js';

async function job(keys: number, valueBytes: number, backend: string): Promise<void> {
  const env = StreamEnvironment.create({ 'state.backend.type': backend });
  const pad = 'x'.repeat(Math.max(0, valueBytes - 12));
  const events = keys + Math.floor(keys / 10);
  env
    .fromSequence(0, events - 1)
    // The first `keys` events bring each key once; the rest revisit every tenth key.
    .keyBy((v) => (v < keys ? v : (v - keys) * 10))
    .process<number>({
      open(ctx) {
        (this as unknown as { s: ValueState<string> }).s = ctx.state.getState(valueState<string>('payload'));
      },
      processElement(v, _ctx, out) {
        const s = (this as unknown as { s: ValueState<string> }).s;
        const old = s.value();
        if (old !== undefined && old.length !== pad.length + 12) out.collect(v);
        s.update(`${String(v).padStart(12, '0')}${pad}`);
      },
    })
    .sinkTo(blackhole());
  const t0 = performance.now();
  await env.execute(`big-state-${backend}`);
  const s = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ seconds: Math.round(s), eventsPerSec: Math.round(events / s) }) + '\n');
}

/**
 * The process's peak resident set (VmHWM) and its anonymous part now (RssAnon: heap and native
 * memory, without the store's file pages that the kernel maps in and may drop), in MB.
 */
function rssMb(pid: number): { peak: number; anon: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(s)?.[1] ?? 0);
    return { peak: Math.round(kb('VmHWM') / 1024), anon: Math.round(kb('RssAnon') / 1024) };
  } catch {
    return { peak: 0, anon: 0 };
  }
}

function run(backend: string, keys: number, valueBytes: number, heapMb: number): Promise<Record<string, unknown>> {
  return new Promise((res) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', backend, String(keys), String(valueBytes)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let peak = 0;
    let anon = 0;
    const poll = setInterval(() => {
      const r = rssMb(child.pid!);
      peak = Math.max(peak, r.peak);
      anon = Math.max(anon, r.anon);
    }, 250);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      const last = out.trim().split('\n').pop();
      const outOfMemory = /heap out of memory|Allocation failed/.test(err);
      res({
        backend,
        finished: code === 0,
        ...(code === 0 && last ? JSON.parse(last) : { exit: signal ?? code, ...(outOfMemory ? { reason: 'JavaScript heap out of memory' } : {}) }),
        peakRssMb: peak,
        peakRssAnonMb: anon,
      });
    });
  });
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await job(Number(argv[2]), Number(argv[3]), argv[1]!);
} else {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '10000000' },
      'value-bytes': { type: 'string', default: '200' },
      'heap-mb': { type: 'string', default: '512' },
      backends: { type: 'string', default: 'lmdb,hashmap' },
    },
  });
  const keys = Number(values.keys);
  const valueBytes = Number(values['value-bytes']);
  const heapMb = Number(values['heap-mb']);
  for (const backend of values.backends.split(',')) {
    const r = await run(backend, keys, valueBytes, heapMb);
    process.stdout.write(
      JSON.stringify({ bench: 'big-state', keys, valueBytes, maxOldSpaceMb: heapMb, stateMb: Math.round((keys * valueBytes) / 2 ** 20), ...r }) + '\n',
    );
  }
}
