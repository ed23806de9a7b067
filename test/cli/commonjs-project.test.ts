import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, root } from './cli-process.js';
import { ensureFreshDist } from './fresh-dist.js';

// The job imports 'weir', which resolves to the built package: dist/, rebuilt here when the sources
// changed since its last build.
beforeAll(ensureFreshDist, 300_000);

/** README's first job and the output its `// Prints:` block promises. */
function readmeFirstJob(): { code: string; expected: string[] } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A first job'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const block = code.slice(code.indexOf('// Prints:') + '// Prints:'.length);
  const expected = block
    .split('\n')
    .filter((l) => l.startsWith('// '))
    .map((l) => l.slice(3));
  if (expected.length === 0) throw new Error("README's first job states no output in a '// Prints:' block");
  return { code, expected: expected.sort() };
}

describe('a job in a new project whose package.json says "type": "commonjs" (as npm init writes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-cjs-project-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  mkdirSync(join(dir, 'jobs'));
  // What `npm install weir` gives, without the network: the package itself under node_modules.
  symlinkSync(root, join(dir, 'node_modules', 'weir'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'new-project', version: '1.0.0', type: 'commonjs' }));
  const { code, expected } = readmeFirstJob();
  writeFileSync(join(dir, 'jobs', 'spend.ts'), code);

  it.each(['1', '2'])("weir run loads README's first job as an ES module at -p %s", async (p) => {
    // tsx as the CLI tests load it, named by path: the project itself has no tsx.
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'run', 'jobs/spend.ts', '-p', p], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = await finish(child);
    const printed = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, printed).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\d+> /, ''));
    expect(lines.sort(), printed).toEqual(expected);
  });

  it('says how to fix a .js job file that its package makes CommonJS (bin/weir.js, as installed)', async () => {
    writeFileSync(
      join(dir, 'jobs', 'plain.js'),
      "import { StreamEnvironment } from 'weir';\nconst env = StreamEnvironment.create();\nenv.fromElements(1).print();\nawait env.execute('plain');\n",
    );
    const r = await finish(spawn(process.execPath, [join(root, 'bin/weir.js'), 'run', 'jobs/plain.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Hint: the job file was loaded as CommonJS.*\.mjs.*"type": "module"/);
  });
});
