import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/core/redact.js';

describe('scrubSecrets', () => {
  it('hides the password of a URL and keeps its user and host', () => {
    expect(scrubSecrets('connecting to mysql://root:pw@db:3306/test')).toBe('connecting to mysql://root:******@db:3306/test');
    expect(scrubSecrets('postgres://app:s3cr%40t@localhost/orders')).toBe('postgres://app:******@localhost/orders');
  });

  it('hides the values of password, token and secret pairs, as text and as JSON', () => {
    expect(scrubSecrets('login failed (password=hunter2, user=ann)')).toBe('login failed (password=******, user=ann)');
    expect(scrubSecrets('{"properties.sasl.password":"hunter2","user":"ann"}')).toBe('{"properties.sasl.password":******,"user":"ann"}');
    expect(scrubSecrets("rest.auth.token: 'abc def'")).toBe('rest.auth.token: ******');
  });

  it('leaves text that only looks alike', () => {
    for (const text of [
      "Job 'secretive': REST API at http://127.0.0.1:8081",
      "Job 'secret': REST API at http://127.0.0.1:8081",
      'http://db:5432/x',
      'tokens: 3',
    ])
      expect(scrubSecrets(text)).toBe(text);
  });
});
