import { rowKindShort, type RowKind } from '../../core/row-kind.js';
import type { Sink } from '../../core/sink.js';

export interface PrintOptions {
  /** Printed before each record, as Flink's print identifier. */
  readonly prefix?: string;
  /** Write to standard error instead of standard output. */
  readonly stderr?: boolean;
  /** Formats a record; default: JSON for objects, the value itself for strings and numbers. */
  readonly format?: (value: any) => string;
  /** Formats a changelog row with its kind (default: the kind, a space, then `format`); SQL prints `-U[a, 1]`. */
  readonly formatChange?: (value: any, kind: RowKind) => string;
}

function defaultFormat(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

/**
 * Prints every record on its own line. With parallelism > 1 each line starts with the subtask
 * number, as in Flink (`2> ...`).
 *
 * @example
 * stream.sinkTo(print({ prefix: 'bids' }))
 */
export function print<T>(options: PrintOptions = {}): Sink<T> {
  const fmt = options.format ?? defaultFormat;
  const change = options.formatChange ?? ((v: unknown, kind: RowKind) => `${rowKindShort(kind)} ${fmt(v)}`);
  return {
    // Several print sinks in one job are told apart by their prefixes.
    name: options.prefix ? `Print: ${options.prefix}` : 'Print',
    inputChangelogMode: 'all',
    createWriter(ctx) {
      const stream = options.stderr ? process.stderr : process.stdout;
      const head = (options.prefix ? `${options.prefix}:` : '') + (ctx.parallelism > 1 ? `${ctx.subtaskIndex + 1}> ` : options.prefix ? ' ' : '');
      return {
        write(batch) {
          let s = '';
          const { values, kinds } = batch;
          // A changelog row shows its kind first, as Flink prints rows (`-U ...`).
          if (kinds === undefined) for (const v of values) s += head + fmt(v) + '\n';
          else for (let i = 0; i < values.length; i++) s += `${head}${change(values[i], kinds[i] as RowKind)}\n`;
          if (!stream.write(s)) return new Promise<void>((r) => stream.once('drain', () => r()));
          return undefined;
        },
      };
    },
  };
}
