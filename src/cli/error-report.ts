import { scrubSecrets } from '../core/redact.js';

/**
 * An error as the CLI prints it: the message, then each cause on its own line. Stack traces only on
 * request, because the messages already name the operator and record at fault.
 *
 * @example
 * process.stderr.write(formatError(e, { stack: false }));
 */
export function formatError(error: unknown, options: { stack: boolean }): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  let e: unknown = error;
  let first = true;
  while (e !== undefined && e !== null && !seen.has(e)) {
    seen.add(e);
    const text = e instanceof Error ? (options.stack && e.stack ? e.stack : `${e.name}: ${e.message}`) : String(e);
    lines.push(first ? text : `  Caused by: ${text}`);
    first = false;
    e = e instanceof Error ? e.cause : undefined;
  }
  // Error messages may quote a connection URL or a password setting: hidden, as in the logs.
  return scrubSecrets(lines.join('\n')) + '\n';
}
