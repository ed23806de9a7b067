import type { SplitEnumerator, SplitEnumeratorContext } from '../../core/split-enumerator.js';
import { listFiles, listFilesSync } from './file-listing.js';
import type { FileSplit } from './file-source.js';

/** What a checkpoint keeps of the file enumerator: every path seen, and those not yet handed out. */
export interface FileEnumeratorState {
  readonly known: string[];
  readonly pending: string[];
}

/**
 * The continuous file source's enumerator: lists the directory at start and every `monitorMs`, and
 * hands each new file, oldest listing first, to the next reader that is idle, so files go to readers
 * as they free up. A file is handed out once; a restore hands back those readers held.
 */
export class FileEnumerator implements SplitEnumerator<FileSplit, FileEnumeratorState> {
  private readonly known: Set<string>;
  private readonly pending: string[];
  private readonly waiting: number[] = [];
  private cancelScan: (() => void) | undefined;
  private scanning = false;

  constructor(
    private readonly path: string,
    private readonly monitorMs: number,
    private readonly ctx: SplitEnumeratorContext<FileSplit>,
    restored: FileEnumeratorState | undefined,
    /** The listed files to read (a partitioned table's pruning); default all. */
    private readonly select: (paths: string[]) => string[] = (paths) => paths,
  ) {
    this.known = new Set(restored?.known ?? []);
    this.pending = restored?.pending.slice() ?? [];
  }

  start(): void {
    this.found(listFilesSync(this.path));
    this.scheduleScan();
  }

  handleSplitRequest(subtask: number): void {
    if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
    this.serve();
  }

  addSplitsBack(splits: FileSplit[]): void {
    this.pending.unshift(...splits.map((s) => s.path));
    this.serve();
  }

  addReader(): void {}

  snapshotState(): FileEnumeratorState {
    return { known: [...this.known], pending: this.pending.slice() };
  }

  close(): void {
    this.cancelScan?.();
    this.cancelScan = undefined;
  }

  private scheduleScan(): void {
    const clock = this.ctx.clock;
    this.cancelScan = clock.schedule(clock.now() + this.monitorMs, () => {
      this.cancelScan = undefined;
      if (this.scanning) return this.scheduleScan();
      this.scanning = true;
      this.ctx.callAsync(
        () => listFiles(this.path),
        (paths) => {
          this.scanning = false;
          this.found(paths);
          this.scheduleScan();
        },
      );
    });
  }

  private found(paths: string[]): void {
    for (const p of this.select(paths)) {
      if (this.known.has(p)) continue;
      this.known.add(p);
      this.pending.push(p);
    }
    this.serve();
  }

  private serve(): void {
    while (this.waiting.length > 0 && this.pending.length > 0) {
      const path = this.pending.shift()!;
      this.ctx.assignSplit(this.waiting.shift()!, { id: path, path });
    }
  }
}
