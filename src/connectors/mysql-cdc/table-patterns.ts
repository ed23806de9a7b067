import { ConfigError } from '../../core/errors.js';

/**
 * Flink CDC 3's `db.table` pattern: the first `.` not preceded by `\` separates the database's
 * pattern from the table's, and `\.` is a regular expression's `.` (any character). Several
 * patterns are separated by commas.
 */
export function tablePattern(text: string, where: string): RegExp {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const dot = p.search(/(?<!\\)\./);
      if (dot < 0) throw new ConfigError(`${where}: '${p}' is not a 'database.table' pattern`);
      const unescape = (s: string) => s.replace(/\\\./g, '.');
      return `${unescape(p.slice(0, dot))}\\.${unescape(p.slice(dot + 1))}`;
    });
  try {
    return new RegExp(`^(?:${parts.join('|')})$`);
  } catch (e) {
    throw new ConfigError(`${where}: '${text}' is not a regular expression: ${(e as Error).message}`);
  }
}
