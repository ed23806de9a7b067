import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { CollectSink, ManualClock, blackhole, fileSink } from '../../src/index.js';
import { describeSinkConformance } from '../../src/testing/index.js';

// The sink suite of weir/testing over every built-in sink.
const api = { describe, it };

/** What a reader of the directory sees: the lines of the parts under their final names. */
function visibleParts(dir: string): unknown[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1))
    .map((l) => JSON.parse(l) as unknown);
}

describeSinkConformance(
  'filesystem',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-sink-conformance-'));
    return {
      sink: () => fileSink({ path: dir, format: 'json', clock: new ManualClock(0), rollingPolicy: { maxPartSize: 400 } }),
      visible: () => visibleParts(dir),
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  api,
);

describeSinkConformance(
  'collect',
  () => {
    const out = new CollectSink<unknown>();
    return { sink: () => out, visible: () => out.values };
  },
  api,
);

// Nothing to read back: the suite checks that its writers take input, finish and close. (print is
// the same shape, and what it writes goes to the terminal, which a test cannot read back.)
describeSinkConformance('blackhole', () => ({ sink: () => blackhole() }), api);
