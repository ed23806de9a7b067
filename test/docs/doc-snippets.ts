/**
 * Finds the TypeScript snippets of the documentation (every ```ts fence of README.md and
 * docs/*.md) and turns each into a module that the snippet test type-checks, and runs when it is
 * a complete program.
 *
 * Conventions (written for the people who edit the docs):
 *
 * - An unmarked ```ts fence is a complete program: it imports what it uses from 'weir',
 *   'weir/testing' or 'weir/connectors/<system>', type-checks under the project's strict settings,
 *   and runs to its end with exit code 0.
 * - A fence preceded by a hidden comment `<!-- snippet: fragment ... -->` is a fragment: it is
 *   type-checked, never run. The lines of the comment after `snippet: fragment` are its context, a
 *   prelude compiled before the code (imports, `interface Order {...}`, `declare const orders:
 *   DataStream<Order>;`). Relative imports in a prelude start from the Markdown file's folder.
 *   Blank lines may separate the comment from the fence.
 * - A program that says what it prints does so in a comment block starting with `// Prints:`,
 *   one `// <line>` per line of standard output; the test compares them, in order, or in any order
 *   after `// Prints (in any order):`.
 *
 * Lines of a snippet and of its prelude keep their Markdown line numbers, so a type error or a
 * failed run names `README.md:123`.
 */

/** One ```ts fence of a Markdown file. */
export interface DocSnippet {
  /** The Markdown file, relative to the repository root (`docs/windows.md`). */
  readonly file: string;
  /** 1-based line of the first code line in the Markdown file. */
  readonly line: number;
  readonly kind: 'program' | 'fragment';
  /** The module to compile: the prelude's lines, then the snippet's. */
  readonly source: string;
  /** The Markdown line of each line of `source` (1-based), for error messages. */
  readonly lineMap: readonly number[];
  /** What a program says it prints (`// Prints:` block), or undefined. */
  readonly expectedOutput?: readonly string[];
  /** The program's output may come in another order than `expectedOutput` lists it. */
  readonly anyOrder?: boolean;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const TS_LANGS = new Set(['ts', 'typescript']);
const MARKER = /^\s*<!--\s*snippet:\s*([\w-]+)(.*)$/;

/**
 * The snippets of one Markdown file.
 *
 * @example
 * extractSnippets('docs/windows.md', readFileSync('docs/windows.md', 'utf8'))
 */
export function extractSnippets(file: string, markdown: string): DocSnippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: DocSnippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', marker = '', lang = ''] = open;
    let end = i + 1;
    while (end < lines.length && !isClosingFence(lines[end]!, marker)) end++;
    if (TS_LANGS.has(lang.toLowerCase())) snippets.push(toSnippet(file, lines, i, end, indent.length));
    i = end;
  }
  return snippets;
}

function isClosingFence(line: string, marker: string): boolean {
  const t = line.trim();
  return t.length >= marker.length && t[0] === marker[0] && /^(`+|~+)$/.test(t);
}

function toSnippet(file: string, lines: string[], fence: number, end: number, indent: number): DocSnippet {
  const directive = directiveBefore(file, lines, fence, indent);
  const code = lines.slice(fence + 1, end).map((l) => stripIndent(l, indent));
  const source = [...directive.prelude.map((p) => p.text), ...code];
  const lineMap = [...directive.prelude.map((p) => p.line), ...code.map((_l, k) => fence + 2 + k)];
  const prints = printsBlock(code);
  return {
    file,
    line: fence + 2,
    kind: directive.kind,
    source: source.join('\n'),
    lineMap,
    ...(prints ? { expectedOutput: prints.lines, anyOrder: prints.anyOrder } : {}),
  };
}

function stripIndent(line: string, indent: number): string {
  let k = 0;
  while (k < indent && line[k] === ' ') k++;
  return line.slice(k);
}

interface Directive {
  kind: 'program' | 'fragment';
  prelude: { line: number; text: string }[];
}

/** The `<!-- snippet: ... -->` comment right above a fence (blank lines allowed), if any. */
function directiveBefore(file: string, lines: string[], fence: number, indent: number): Directive {
  let close = fence - 1;
  while (close >= 0 && lines[close]!.trim() === '') close--;
  if (close < 0 || !lines[close]!.trimEnd().endsWith('-->')) return { kind: 'program', prelude: [] };
  let start = close;
  while (start >= 0 && !lines[start]!.includes('<!--')) start--;
  const head = start >= 0 ? MARKER.exec(lines[start]!) : null;
  if (!head) return { kind: 'program', prelude: [] };
  const kind = head[1]!;
  if (kind !== 'fragment') throw new Error(`${file}:${start + 1}: unknown snippet kind '${kind}' (only 'fragment'; unmarked snippets are programs)`);
  const prelude: { line: number; text: string }[] = [];
  const rest = head[2]!.replace(/-->\s*$/, '').trim();
  if (rest !== '') prelude.push({ line: start + 1, text: rest });
  for (let k = start + 1; k <= close; k++) {
    const text = k === close ? lines[k]!.replace(/-->\s*$/, '') : lines[k]!;
    if (text.trim() !== '') prelude.push({ line: k + 1, text: stripIndent(text, indent) });
  }
  return { kind: 'fragment', prelude };
}

/** The lines after a `// Prints:` comment, each `// <line>`, up to the first line that is not one. */
function printsBlock(code: string[]): { lines: string[]; anyOrder: boolean } | undefined {
  const heads = code.map((l) => /^\s*\/\/\s*Prints( \(in any order\))?:\s*$/i.exec(l));
  const at = heads.findIndex((m) => m !== null);
  if (at < 0) return undefined;
  const out: string[] = [];
  for (let k = at + 1; k < code.length; k++) {
    const m = /^\s*\/\/ ?(.*)$/.exec(code[k]!);
    if (!m) break;
    out.push(m[1]!);
  }
  return { lines: out, anyOrder: heads[at]![1] !== undefined };
}
