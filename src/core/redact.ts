/** What a redacted value shows instead of the secret (Flink's `GlobalConfiguration.HIDDEN_CONTENT`). */
export const HIDDEN = '******';

/**
 * True for a key whose value is a secret: it names a password, secret, token or credential, or it
 * is a key itself (`key`, `apiKey`, `access-key`, `ssl.key`) — but not `keyBy`, `keyed` or `keyGroups`,
 * which are about record keys.
 *
 * @example
 * isSecretKey('properties.sasl.password') // true
 * isSecretKey('keyed')                    // false
 */
export function isSecretKey(key: string): boolean {
  return /password|passwd|secret|token|credential|authorization/i.test(key) || /(^|[._\-\s]|[a-z])key$/i.test(key) || /(^|[._-])key([._-]|$)/i.test(key);
}

/**
 * A copy of `value` fit to show: every property whose name is a secret ({@link isSecretKey}) is
 * replaced by {@link HIDDEN}, at any depth; functions and class instances show as their type name.
 *
 * @example
 * redact({ url: 'db:5432', password: 'hunter2' }) // { url: 'db:5432', password: '******' }
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : typeof value === 'bigint' ? String(value) : value;
  if (depth > 8) return '[...]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return `[${(value as object).constructor?.name ?? 'object'}]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? HIDDEN : redact(v, depth + 1);
  return out;
}

/** The configuration as Flink's `/jobmanager/config` lists it: `{ key, value }` pairs, values as strings, secrets hidden. */
export function configEntries(settings: Readonly<Record<string, unknown>>): { key: string; value: string }[] {
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => {
      const shown = isSecretKey(key) ? HIDDEN : redact(v);
      return { key, value: typeof shown === 'string' ? shown : JSON.stringify(shown) };
    });
}

/**
 * `text` with what looks like a secret in free text hidden: the password of a URL
 * (`postgres://app:hunter2@db/x`) and the value of a `password=...`, `token: ...` or `secret=...` pair.
 *
 * @example
 * scrubSecrets('connecting to mysql://root:pw@db:3306') // 'connecting to mysql://root:******@db:3306'
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, `$1${HIDDEN}@`)
    .replace(/(\b[\w.-]*(?:password|passwd|secret|token|credentials?)"?\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s,;)}]+)/gi, `$1${HIDDEN}`);
}
