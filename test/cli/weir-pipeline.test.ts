// `weir pipeline` at the command line without a database: listed in the help, and a missing or
// wrong definition ends with exit code 1 and an error naming the file and the key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-pipeline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('weir pipeline', { concurrent: true }, () => {
  it('is listed in the help with its flags', async () => {
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/pipeline \[options\]/);
    const help = await runCli(['pipeline', '--help']);
    for (const flag of ['-f, --file <pipeline.yaml>', '--resume', '--checkpoint-dir <dir>']) expect(help.stdout).toContain(flag);
  });

  it('fails with exit code 1 naming a missing definition', async () => {
    const r = await runCli(['pipeline', '-f', join(dir, 'missing.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pipeline definition not found');
  });

  it('fails with exit code 1 naming the file and the key of a wrong definition', async () => {
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, 'source:\n  type: oracle\n  tables: a.b\nsink:\n  type: postgres\n  url: jdbc:postgresql://h/db\n');
    const r = await runCli(['pipeline', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: source.type 'oracle' is not supported yet (mysql, mariadb, postgres)`);
  });
});
