/**
 * `npm run bench:jit-shapes -- q2 [--events N] [--processes P] [--function fillStepped]`: runs the
 * query's job in P fresh processes (as `npm run bench -- --trials` does) with V8's inlining trace
 * on, and counts which functions V8 inlined into the last full (not on-stack) compile of
 * `--function` in each. Fresh processes should run the same machine code; when they do not, their
 * rates differ for reasons no load figure explains. A deterministic proxy for the spread of rates:
 * the trace does not depend on how busy the machine is, CPU rates (printed beside it) do.
 *
 * The trace goes to a file, not a pipe: V8 writes it from its compiler threads with C stdio, which
 * drops lines on a non-blocking pipe.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Measurement } from './measure.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Helpers of every loop, inlined in every process: left out of the shape so that it shows what differs.
const ALWAYS = new Set(['reset', 'mix32', 'apply', '']);

/**
 * The functions inlined into each compile of `fn` in a trace, in the order the compiles started.
 * A compile's start line is sometimes lost where the compiler threads' lines interleave with the
 * main thread's; `reset` (one call site in each generator loop, always inlined first or second)
 * coming again then starts the next compile, which is taken as a full one.
 */
export function compilesOf(trace: string, fn: string): { osr: boolean; inlined: string[] }[] {
  const compiles: { osr: boolean; inlined: string[] }[] = [];
  const start = new RegExp(`\\[compiling method .*<JSFunction ${fn} .*\\(target TURBOFAN\\)( OSR)?`);
  const into = new RegExp(`Inlining .*<SharedFunctionInfo ?(\\w*)>\\} into .*<SharedFunctionInfo ${fn}>\\}`);
  for (const line of trace.split('\n')) {
    const c = start.exec(line);
    if (c) compiles.push({ osr: c[1] !== undefined, inlined: [] });
    const i = into.exec(line);
    if (!i || compiles.length === 0) continue;
    if (i[1] === 'reset' && compiles[compiles.length - 1]!.inlined.includes('reset')) compiles.push({ osr: false, inlined: [] });
    compiles[compiles.length - 1]!.inlined.push(i[1]!);
  }
  return compiles;
}

/** A compile's inlined functions as a sorted list, without those every loop inlines. */
export function shapeOf(inlined: readonly string[]): string {
  return (
    inlined
      .filter((f) => !ALWAYS.has(f))
      .sort()
      .join(' ') || '(none)'
  );
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      events: { type: 'string', default: '3000000' },
      processes: { type: 'string', default: '10' },
      function: { type: 'string', default: 'fillStepped' },
    },
  });
  const query = positionals[0] ?? 'q2';
  const fn = values.function;
  const dir = mkdtempSync(join(tmpdir(), 'weir-jit-shapes-'));
  const shapes = new Map<string, number[]>();
  try {
    for (let p = 0; p < Number(values.processes); p++) {
      const file = join(dir, `trace-${p}.log`);
      const fd = openSync(file, 'w');
      const args = ['--trace-turbo-inlining', '--trace-opt', '--import', 'tsx', 'bench/run.ts', '--child', 'weir', query, values.events, '1', '0', '1'];
      const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const trace = readFileSync(file, 'utf8');
      const result = trace.match(/\{"eventsPerSec"[^\n]*\}/g);
      if (r.status !== 0 || !result) throw new Error(`${query} exited with ${r.status}:\n${trace.slice(-2000)}`);
      const m = JSON.parse(result[result.length - 1]!) as Measurement;
      const last = compilesOf(trace, fn)
        // A compile with nothing inlined, not even the loop's first helpers, never finished (or its lines were lost).
        .filter((c) => !c.osr && c.inlined.length > 0)
        .pop();
      const shape = last
        ? last.inlined
            .filter((f) => !ALWAYS.has(f))
            .sort()
            .join(' ') || '(none)'
        : '(not compiled)';
      shapes.set(shape, [...(shapes.get(shape) ?? []), m.eventsPerCpuSec]);
      console.log(JSON.stringify({ query, process: p, eventsPerCpuSec: m.eventsPerCpuSec, eventsPerSec: m.eventsPerSec, inlinedInto: fn, shape }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [shape, rates] of shapes) console.log(JSON.stringify({ query, processes: rates.length, shape, eventsPerCpuSec: rates }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
