import type { Sink } from '../../src/index.js';

/**
 * A two-phase-commit test sink: records become visible in `committed` only when the checkpoint
 * that covers them completes (or at the end of input). Pending transactions are kept in a map that
 * survives restarts within the process, as a database's prepared transactions would.
 */
export class TransactionalMemorySink<T> implements Sink<T> {
  readonly name = 'tx-memory';
  readonly committed: T[] = [];
  readonly prepared = new Map<string, T[]>();
  commits = 0;

  createWriter(ctx?: { checkpointingMode?: string }) {
    let open: T[] = [];
    const mine = new Map<number, string>();
    let seq = 0;
    return {
      write: (b: { values: T[] }) => {
        for (const v of b.values) open.push(v);
      },
      preCommit: (id: number) => {
        const txn = `txn-${id}-${seq++}-${Math.random()}`;
        this.prepared.set(txn, open);
        open = [];
        mine.set(id, txn);
        // Every transaction not committed yet: an earlier checkpoint's commit may never arrive.
        return [...mine.values()];
      },
      commit: (id: number) => {
        for (const [cid, txn] of mine) {
          if (cid > id) continue;
          this.commitTxn(txn);
          mine.delete(cid);
        }
      },
      recover: (committables: unknown[]) => {
        // Transactions no restored committable names belong to checkpoints that did not complete:
        // they stay prepared and are never committed. Not cleared here, since after a rescale
        // another writer may still be about to recover its own share.
        for (const c of committables) for (const txn of c as string[]) this.commitTxn(txn);
      },
      finish: () => {
        // Under exactly-once the job's final checkpoint pre-commits and commits the rest.
        if (ctx?.checkpointingMode === 'EXACTLY_ONCE') return;
        this.committed.push(...open);
        open = [];
      },
    };
  }

  private commitTxn(txn: string): void {
    const rows = this.prepared.get(txn);
    if (!rows) return; // already committed: commit is idempotent
    this.committed.push(...rows);
    this.prepared.delete(txn);
    this.commits++;
  }
}
