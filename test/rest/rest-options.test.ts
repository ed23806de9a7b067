import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { checkConfigKeys } from '../../src/graph/config-keys.js';
import { parseRestOptions, REST_TOKEN_ENV } from '../../src/graph/rest-options.js';

describe('rest.* options', () => {
  it('are read, not warned about as cluster keys', () => {
    expect(checkConfigKeys({ 'rest.port': 8081, 'rest.bind-address': '127.0.0.1', 'rest.auth.token': 't', 'metrics.reporter.prom.port': 9249 })).toEqual([]);
    expect(checkConfigKeys({ 'rest.address': 'x' })[0]).toMatch(/ignored/);
  });

  it('parse ports, ranges and the loopback default', () => {
    expect(parseRestOptions({}, {})).toBeUndefined();
    expect(parseRestOptions({ 'rest.port': '8081-8090' }, {})).toEqual({ port: { from: 8081, to: 8090 }, bindAddress: '127.0.0.1', maxContentLength: 65536 });
    expect(parseRestOptions({ 'metrics.reporter.prom.port': 9249 }, {})?.prometheusPort).toEqual({ from: 9249, to: 9249 });
    expect(() => parseRestOptions({ 'rest.port': '90000' }, {})).toThrow(ConfigError);
    expect(() => parseRestOptions({ 'rest.port': '8090-8081' }, {})).toThrow(ConfigError);
  });

  it('need a token, from the config or the environment, to bind another address', () => {
    expect(() => parseRestOptions({ 'rest.port': 0, 'rest.bind-address': '0.0.0.0' }, {})).toThrow(/rest.auth.token/);
    expect(parseRestOptions({ 'rest.port': 0, 'rest.bind-address': '0.0.0.0' }, { [REST_TOKEN_ENV]: 'abc' })?.token).toBe('abc');
    expect(parseRestOptions({ 'rest.port': 0, 'rest.bind-address': '::1' }, {})?.token).toBeUndefined();
  });
});
