import { Batch } from '../../core/batch.js';
import { MalformedInputError } from '../../core/errors.js';
import type { ErrorPolicy, PollResult, SourceReader, SourceReaderContext } from '../../core/source.js';
import type { FilePosition, FileSourceOptions, FileSourceState, FileSplit } from './file-source.js';
import { fieldsOfFile } from './path-fields.js';
import { LineReader } from './line-reader.js';
import { createDecoder, MALFORMED, type LineDecoder } from './line-decoders.js';

interface OpenFile {
  readonly path: string;
  readonly lines: LineReader;
  readonly decoder: LineDecoder;
  /** Number of the last line read (1-based). */
  line: number;
  /** Fields every record of the file gets from its path (a partition's values). */
  readonly fields: { keys: string[]; values: unknown[] } | undefined;
}

/**
 * Reads the files of one subtask in order, one batch per poll. The line loop is synchronous and
 * awaits only to read the next 64 KiB chunk or open the next file.
 */
export class FileReader<T> implements SourceReader<T> {
  private readonly queue: FileSplit[] = [];
  private readonly positions = new Map<string, FilePosition | 'done'>();
  private readonly known: Set<string>;
  private readonly policy: ErrorPolicy;
  private current: OpenFile | undefined;
  private noMoreSplits = false;
  /** File and line of each record of the last batch, for `locate`. */
  private readonly batchPaths: string[] = [];
  private readonly batchLines: number[] = [];

  constructor(
    private readonly options: FileSourceOptions,
    /** Files come from the enumerator (`addSplits`) and the reader ends only when told no more come. */
    private readonly assigned: boolean,
    splits: FileSplit[],
    private readonly ctx: SourceReaderContext,
    restored: FileSourceState | undefined,
  ) {
    this.policy = options.errorPolicy ?? 'fail';
    this.known = new Set();
    const files = positionsByPath(restored);
    for (const s of splits) this.assign(s.path, files[s.path]);
  }

  addSplits(splits: FileSplit[], positions?: Readonly<Record<string, unknown>>): void {
    for (const s of splits) this.assign(s.path, positions?.[s.id] as FilePosition | 'done' | undefined);
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
  }

  private assign(path: string, pos: FilePosition | 'done' | undefined): void {
    if (this.known.has(path)) return;
    this.known.add(path);
    this.positions.set(path, pos ?? { offset: 0, line: 0 });
    if (pos !== 'done') this.queue.push({ id: path, path });
  }

  async poll(): Promise<PollResult<T>> {
    const values: T[] = [];
    this.batchPaths.length = this.batchLines.length = 0;
    while (values.length < this.ctx.batchSize) {
      const f = this.current;
      if (!f) {
        const next = this.queue.shift();
        if (!next) break;
        await this.openFile(next.path);
        continue;
      }
      this.readLines(f, values);
      if (values.length >= this.ctx.batchSize) break;
      if (f.lines.eof) {
        this.current = undefined;
        this.positions.set(f.path, 'done');
        await f.lines.close();
      } else await f.lines.fill();
    }
    if (values.length > 0) return Batch.of(values);
    return this.assigned && !this.noMoreSplits ? 'later' : 'end';
  }

  /** Reads lines of `f` into `out` until the batch is full or the buffered data is used up. */
  private readLines(f: OpenFile, out: T[]): void {
    const { lines, decoder, fields } = f;
    const limit = this.ctx.batchSize;
    while (out.length < limit) {
      let line = lines.nextLine();
      if (line === undefined) return;
      const n = ++f.line;
      if (n === 1) {
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
        if (decoder.hasHeader) {
          // Whatever the policy: every record of the file would be misread without its header.
          if (!decoder.header(line)) throw new MalformedInputError(this.ctx.sourceName, `${f.path}:1`, line, decoder.reason);
          continue;
        }
      }
      if (decoder.skipBlank && (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === ''))) continue;
      const v = decoder.decode(line);
      if (v === MALFORMED) this.malformed(f, line, decoder.reason);
      else {
        if (fields !== undefined) {
          const record = v as Record<string, unknown>;
          for (let j = 0; j < fields.keys.length; j++) record[fields.keys[j]!] = fields.values[j];
        }
        out.push(v as T);
        this.batchPaths.push(f.path);
        this.batchLines.push(n);
      }
    }
  }

  locate(index: number): string | undefined {
    const line = this.batchLines[index];
    return line === undefined ? undefined : `${this.batchPaths[index]}:${line}`;
  }

  private malformed(f: OpenFile, line: string, reason: string): void {
    const location = `${f.path}:${f.line}`;
    if (this.policy === 'fail') throw new MalformedInputError(this.ctx.sourceName, location, line, reason);
    if (this.policy === 'skip') this.ctx.metrics.inc('skippedRecords');
    else this.ctx.deadLetter(line, reason, location);
  }

  private async openFile(path: string): Promise<void> {
    const pos = this.positions.get(path);
    const at = pos && pos !== 'done' ? pos : { offset: 0, line: 0 };
    const decoder = createDecoder(this.options.format, this.options.csv);
    if (at.columns) decoder.setColumns(at.columns);
    this.current = { path, lines: await LineReader.open(path, at.offset), decoder, line: at.line, fields: fieldsOfFile(this.options, path) };
  }

  snapshotState(): FileSourceState {
    const files: FileSourceState = Object.fromEntries(this.positions);
    const f = this.current;
    if (f) files[f.path] = { offset: f.lines.offset, line: f.line, ...(f.decoder.columns ? { columns: f.decoder.columns } : {}) };
    return files;
  }

  async close(): Promise<void> {
    await this.current?.lines.close();
    this.current = undefined;
  }
}

/** Positions by path; older checkpoints wrapped them as `{ files: { <path>: position } }`. */
function positionsByPath(restored: FileSourceState | undefined): FileSourceState {
  const legacy = (restored as { files?: unknown } | undefined)?.files;
  if (legacy !== null && typeof legacy === 'object' && !('offset' in legacy)) return legacy as FileSourceState;
  return restored ?? {};
}
