import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import ts from 'typescript';
import type { DocSnippet } from './doc-snippets.js';

/** The package's own entry points in src/, as 'weir' and its subpath exports name them. */
function packageEntries(root: string): Record<string, string[]> {
  return {
    weir: [join(root, 'src/index.ts')],
    'weir/testing': [join(root, 'src/testing/index.ts')],
    'weir/sql': [join(root, 'src/sql-entry.ts')],
    'weir/connectors/*': [join(root, 'src/connectors/*/index.ts')],
  };
}

/** Where a snippet's module lives for the compiler: beside its Markdown file, so relative imports work. */
function modulePath(root: string, s: DocSnippet): string {
  return join(root, dirname(s.file), `__snippet-${basename(s.file, '.md')}-${s.line}.ts`);
}

/**
 * Type-checks every snippet in one program, under tsconfig.json's settings, with 'weir' mapped to
 * src/. Returns one message per error, `README.md:164: TS2339 Property 'count' ...` and the line.
 *
 * @example
 * expect(typeCheckSnippets(root, snippets)).toEqual([]);
 */
export function typeCheckSnippets(root: string, snippets: readonly DocSnippet[]): string[] {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    // A fragment without imports is still its own module, so snippets never share top-level names.
    moduleDetection: ts.ModuleDetectionKind.Force,
    paths: packageEntries(root),
  };
  const byPath = new Map(snippets.map((s) => [modulePath(root, s), s]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (p) => byPath.has(p) || fileExists.call(host, p);
  host.readFile = (p) => byPath.get(p)?.source ?? readFile.call(host, p);
  host.getSourceFile = (p, lang, onError, create) => {
    const s = byPath.get(p);
    return s ? ts.createSourceFile(p, s.source, lang) : getSourceFile.call(host, p, lang, onError, create);
  };
  const program = ts.createProgram([...byPath.keys()], options, host);
  const errors: string[] = [];
  for (const [path, s] of byPath) {
    const file = program.getSourceFile(path)!;
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    for (const d of diagnostics) {
      const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
      errors.push(`${s.file}:${s.lineMap[line] ?? s.line}: TS${d.code} ${text}\n    | ${s.source.split('\n')[line]?.trim() ?? ''}`);
    }
  }
  return errors;
}

export interface SnippetRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program snippet in a fresh Node process (tsx loads TypeScript), its 'weir' imports
 * pointed at src/ so the run uses the sources under test, not a stale build.
 */
export function runSnippet(root: string, s: DocSnippet): Promise<SnippetRun> {
  const entries = packageEntries(root);
  const target = (spec: string): string => {
    if (spec === 'weir' || spec === 'weir/testing' || spec === 'weir/sql') return entries[spec]![0]!;
    return entries['weir/connectors/*']![0]!.replace('*', spec.slice('weir/connectors/'.length));
  };
  // Only specifiers of import/export statements change, so line numbers stay those of the snippet.
  const code = s.source.replace(
    /(\b(?:from|import)\s*\(?\s*)(['"])(weir(?:\/testing|\/sql|\/connectors\/[\w-]+)?)\2/g,
    (_m, head: string, q: string, spec: string) => `${head}${q}${target(spec)}${q}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'weir-snippet-'));
  const file = join(dir, `${basename(s.file, '.md')}-${s.line}.ts`);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(file, code);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}
