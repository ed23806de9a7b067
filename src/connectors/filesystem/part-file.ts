import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { access, rename } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A part file being written, under a hidden in-progress name (`.part-0-3.json.inprogress`) that
 * readers skip. Closing it yields a {@link PendingPart}; committing that renames it to its final
 * name. The two steps are separate so that a checkpointing sink can close on checkpoint and commit
 * once the checkpoint completes.
 */
export class InProgressPart {
  readonly inProgressPath: string;
  size = 0;
  /** Records written into the part. */
  records = 0;
  lastWriteAt: number;
  private readonly stream: WriteStream;
  private error: Error | undefined;

  constructor(
    readonly dir: string,
    readonly name: string,
    readonly openedAt: number,
  ) {
    this.inProgressPath = join(dir, `.${name}.inprogress`);
    this.lastWriteAt = openedAt;
    // Opened now rather than lazily, so the part exists (and its number is taken) from the start.
    this.stream = createWriteStream(this.inProgressPath, { fd: openSync(this.inProgressPath, 'w'), highWaterMark: 256 * 1024 });
    this.stream.on('error', (e) => (this.error = e));
  }

  /** Appends `chunk` (`bytes` long, `records` lines); returns a promise when the file asks the writer to wait. */
  write(chunk: string, bytes: number, records: number, now: number): Promise<void> | undefined {
    if (this.error) throw this.error;
    this.size += bytes;
    this.records += records;
    this.lastWriteAt = now;
    if (this.stream.write(chunk)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  /** Flushes and closes the file; it is complete but not yet visible under its final name. */
  async close(): Promise<PendingPart> {
    if (this.error) throw this.error;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    return new PendingPart(this.inProgressPath, join(this.dir, this.name), this.records);
  }

  /** Stops writing without committing (the job failed); the in-progress file stays behind. */
  abort(): void {
    this.stream.destroy();
  }
}

/** A closed part waiting to be committed. `commit` is idempotent, so a recovery may repeat it. */
export class PendingPart {
  constructor(
    readonly inProgressPath: string,
    readonly finalPath: string,
    readonly records = 0,
  ) {}

  async commit(): Promise<void> {
    try {
      await rename(this.inProgressPath, this.finalPath);
    } catch (e) {
      // Already committed (a repeated commit after recovery) is success.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await access(this.finalPath);
    }
  }
}
