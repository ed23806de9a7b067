// docs/connectors.md promises that each connector folder is one subpath export,
// `weir/connectors/<folder>` (package.json maps it to the folder's index). A folder without an
// index.ts cannot be imported that way; one the page does not list is one a reader cannot find.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folders = readdirSync(join(root, 'src/connectors'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const page = readFileSync(join(root, 'docs/connectors.md'), 'utf8');

describe('connector folders', () => {
  it('each have an index.ts that exports something', async () => {
    expect(folders.filter((f) => !existsSync(join(root, 'src/connectors', f, 'index.ts')))).toEqual([]);
    for (const f of folders) {
      const entry = (await import(join(root, 'src/connectors', f, 'index.ts'))) as Record<string, unknown>;
      expect(Object.keys(entry), f).not.toEqual([]);
    }
  });

  it('are each named in docs/connectors.md by their import path', () => {
    expect(folders.filter((f) => !page.includes(`weir/connectors/${f}`))).toEqual([]);
  });
});
