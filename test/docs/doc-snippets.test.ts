// Every ```ts snippet of README.md and docs/*.md compiles under the project's strict settings, and
// every complete program among them runs and prints what it says it prints. How to mark a fragment
// and declare its context, and how a program states its output: see the header of doc-snippets.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractSnippets } from './doc-snippets.js';
import { runSnippet, typeCheckSnippets } from './snippet-compiler.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const snippets = docs.flatMap((f) => extractSnippets(f, readFileSync(join(root, f), 'utf8')));
const programs = snippets.filter((s) => s.kind === 'program');

describe('the snippet extractor', () => {
  const md = [
    '# Title', //                                    1
    '```ts', //                                      2
    "import { StreamEnvironment } from 'weir';", //  3
    '// Prints:', //                                 4
    '// a', //                                       5
    '// b', //                                       6
    '```', //                                        7
    '- item:', //                                    8
    '', //                                           9
    '    <!-- snippet: fragment', //                10
    '    declare const n: number;', //              11
    '    -->', //                                   12
    '', //                                          13
    '    ```ts', //                                 14
    '    n.toFixed(1);', //                         15
    '    ```', //                                   16
    '```text', //                                   17
    '```ts inside a text fence is not a snippet', // 18
    '```', //                                       19
  ].join('\n');

  it('finds programs and fragments with their preludes, indentation and stated output', () => {
    const [program, fragment, ...rest] = extractSnippets('x.md', md);
    expect(rest).toEqual([]);
    expect(program).toMatchObject({ file: 'x.md', line: 3, kind: 'program', expectedOutput: ['a', 'b'], anyOrder: false, lineMap: [3, 4, 5, 6] });
    expect(fragment).toMatchObject({ line: 15, kind: 'fragment', source: 'declare const n: number;\nn.toFixed(1);', lineMap: [11, 15] });
  });

  it('names the file and line of a comment with an unknown snippet kind', () => {
    expect(() => extractSnippets('x.md', '<!-- snippet: fragmnet -->\n```ts\nx\n```')).toThrow(/x\.md:1: unknown snippet kind 'fragmnet'/);
  });
});

describe('documentation snippets', () => {
  it('are found in README.md and docs/', () => {
    expect(new Set(snippets.map((s) => s.file))).toEqual(new Set(docs.filter((f) => readFileSync(join(root, f), 'utf8').includes('```ts'))));
  });

  it('type-check under the strict settings against the sources', () => {
    const errors = typeCheckSnippets(root, snippets);
    expect(errors, `\n${errors.join('\n')}\n(how to mark a fragment and declare its context: the header of test/docs/doc-snippets.ts)\n`).toEqual([]);
  });

  describe.each(programs.map((s) => [`${s.file}:${s.line}`, s] as const))('program %s', { concurrent: true }, (_name, s) => {
    it('runs to its end and prints what it says', async () => {
      const run = await runSnippet(root, s);
      expect(run.code, `${s.file}:${s.line} failed:\n${run.stderr}`).toBe(0);
      if (!s.expectedOutput) return;
      const printed = run.stdout.trimEnd().split('\n');
      const order = (lines: readonly string[]) => (s.anyOrder ? [...lines].sort() : lines);
      expect(order(printed), `${s.file}:${s.line} printed`).toEqual(order(s.expectedOutput));
    });
  });
});
