import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { arraySource, asyncIterableSource, changelogSource, datagen, fileSource, sequence, type Source } from '../../src/index.js';
import { nexmark } from '../../src/connectors/nexmark/index.js';
import { describeSourceConformance } from '../../src/testing/index.js';
import { rangesSource } from './ranges-source.js';

// The source suite of weir/testing over every built-in source that can be read without a peer.
const dir = mkdtempSync(join(tmpdir(), 'weir-source-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text: string[] = [];
for (const sub of ['text', 'json', 'csv']) mkdirSync(join(dir, sub));
for (let f = 0; f < 5; f++) {
  const lines = Array.from({ length: 37 * (f + 1) }, (_, i) => `file ${f} line ${i} ü`);
  text.push(...lines);
  writeFileSync(join(dir, 'text', `t${f}.txt`), lines.join('\n'));
  writeFileSync(join(dir, 'json', `j${f}.json`), Array.from({ length: 41 + f }, (_, i) => JSON.stringify({ f, i })).join('\n') + '\n');
  writeFileSync(join(dir, 'csv', `c${f}.csv`), 'f,i,s\n' + Array.from({ length: 29 + f }, (_, i) => `${f},${i},"a,${i}"`).join('\n') + '\n');
}
const rows = Array.from({ length: 250 }, (_, i) => ({ i }));
const api = { describe, it };
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describeSourceConformance('sequence', () => sequence(-50, 449), { ...api, expected: () => range(-50, 449) });
describeSourceConformance('datagen', () => datagen({ seed: 9, numberOfRows: 333, generator: (i, r) => ({ i, x: r.int(0, 99), s: r.string(4) }) }), api);
describeSourceConformance('arraySource', () => arraySource(rows), { ...api, expected: () => rows });
describeSourceConformance('changelogSource', () => changelogSource(rows.map((r) => ['+I', r] as const)), { ...api, expected: () => rows });
describeSourceConformance('asyncIterableSource', () => asyncIterableSource(rows.values()), { ...api, expected: () => rows });
describeSourceConformance('nexmark', () => nexmark({ events: 400 }) as Source<unknown>, api);
describeSourceConformance('filesystem text', () => fileSource({ path: join(dir, 'text'), format: 'text' }), { ...api, expected: () => text });
describeSourceConformance('filesystem json', () => fileSource({ path: join(dir, 'json'), format: 'json' }), api);
describeSourceConformance(
  'filesystem csv',
  () => fileSource({ path: join(dir, 'csv'), format: 'csv', csv: { header: true, types: { f: 'number', i: 'number' } } }),
  api,
);
describeSourceConformance('filesystem text, watching the directory', () => fileSource({ path: join(dir, 'text'), format: 'text', monitorInterval: '1s' }), {
  ...api,
  expected: () => text,
});
describeSourceConformance('an enumerator that finds splits later', () => rangesSource({ initial: 3, later: 2, size: 25 }), {
  ...api,
  expected: () => range(0, 124),
});
