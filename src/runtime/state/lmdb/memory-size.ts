import { ConfigError } from '../../../core/errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/**
 * A memory size as Flink writes it: a number of bytes, or a number with a unit (`b`, `k`/`kb`,
 * `m`/`mb`, `g`/`gb`, powers of 1024, any case, optional space). `key` names the setting in errors.
 *
 * @example
 * parseMemorySize('256mb', 'state.backend.lmdb.memory.managed-size'); // 268435456
 */
export function parseMemorySize(raw: unknown, key: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(raw));
  const unit = m && UNITS[m[2]!.toLowerCase()];
  const bytes = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1)) throw new ConfigError(`${key}: ${String(raw)} is not a memory size (bytes, or a number with b, kb, mb or gb)`);
  return bytes;
}
