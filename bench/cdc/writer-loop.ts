import { dueRows, statement, WRITE_OPS, type Dialect, type WriteOp, type WriterPlan } from './writer-plan.js';

/** Runs one SQL statement (its own transaction) on one connection. */
export type Exec = (sql: string) => Promise<unknown>;

export interface WriterResult {
  /** Rows changed: inserted, updated and deleted. */
  readonly changes: number;
  /** From the first statement's send to the last one's commit. */
  readonly seconds: number;
  /** Wall-clock ms of the first send. */
  readonly startedAt: number;
  readonly statements: number;
  /** CPU seconds this process used meanwhile. */
  readonly cpuSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes `plan`: each operation on its own connection (`execs`, in {@link WRITE_OPS} order), at the
 * start of every tick one statement for the rows then due, stamped with the time it is sent. A
 * connection still busy when its next tick starts sends what is due once it is free.
 *
 * @example
 * const r = await writeChanges('postgres', writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1e6, round: 0 }), [a, b, c]);
 */
export async function writeChanges(dialect: Dialect, plan: WriterPlan, execs: readonly Exec[]): Promise<WriterResult> {
  if (execs.length !== WRITE_OPS.length) throw new Error(`cdc writer: one connection per operation (${WRITE_OPS.length})`);
  const cpu = process.cpuUsage();
  const startedAt = Date.now();
  let statements = 0;
  const run = async (op: WriteOp, exec: Exec) => {
    for (let done = 0; done < plan.perOp;) {
      const started = Math.floor((Date.now() - startedAt) / plan.tickMs) + 1;
      const upTo = Math.min(dueRows(plan, started), done + plan.maxStatementRows);
      if (upTo > done) {
        await exec(statement(dialect, plan, op, done, upTo, Date.now()));
        statements++;
        done = upTo;
      } else await sleep(startedAt + started * plan.tickMs - Date.now());
    }
  };
  await Promise.all(WRITE_OPS.map((op, i) => run(op, execs[i]!)));
  const seconds = (Date.now() - startedAt) / 1000;
  const used = process.cpuUsage(cpu);
  return { changes: plan.perOp * WRITE_OPS.length, seconds, startedAt, statements, cpuSeconds: (used.user + used.system) / 1e6 };
}
