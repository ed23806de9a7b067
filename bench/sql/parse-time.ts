// Parse time of Weir's SQL parser per statement: `npx tsx bench/sql/parse-time.ts`.
// Prints one JSON line per statement: microseconds per parse after warm-up (median of 5 rounds).
import { parseStatement } from '../../src/sql/statement-parser.js';
import { STATEMENTS } from './parse-statements.js';

function timeIt(fn: () => void, iterations: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    rounds.push(((performance.now() - t0) * 1000) / iterations);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

for (const [name, sql] of Object.entries(STATEMENTS)) {
  const t0 = performance.now();
  parseStatement(sql);
  const firstMs = performance.now() - t0;
  const us = timeIt(() => parseStatement(sql), 2000);
  console.log(JSON.stringify({ parser: 'weir', statement: name, chars: sql.length, firstParseMs: +firstMs.toFixed(2), usPerParse: +us.toFixed(1) }));
}
