import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { configureLogging, jobLogger } from '../../src/core/logger.js';
import { StreamEnvironment } from '../../src/index.js';

/** Log lines written to memory, as JSON objects. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

afterEach(() => configureLogging());

describe("a job's env.log.level", () => {
  it('is checked at StreamEnvironment.create, naming the levels', () => {
    expect(() => StreamEnvironment.create({ 'env.log.level': 'loud' })).toThrow(
      "env.log.level: 'loud' is not a log level; use one of trace, debug, info, warn, error, fatal, silent",
    );
    expect(() => StreamEnvironment.create({ 'env.log.level': 'DEBUG' })).not.toThrow();
  });

  it("sets that job's level above or below the process's, and every entry names the job", () => {
    const { lines, stream } = capture();
    configureLogging({ level: 'warn', format: 'json', destination: stream });
    jobLogger('chatty', { 'env.log.level': 'debug' }).debug('shown');
    jobLogger('quiet', { 'env.log.level': 'error' }).warn('hidden');
    jobLogger('plain').info('hidden too');
    jobLogger('plain').warn({ password: 'hunter2', url: 'mysql://root:pw@db/x' }, 'token=abc');
    expect(lines.map((l) => [l.level, l.job, l.msg])).toEqual([
      ['debug', 'chatty', 'shown'],
      ['warn', 'plain', 'token=******'],
    ]);
    expect(lines[1]).toMatchObject({ password: '******', url: 'mysql://root:******@db/x' });
  });
});
