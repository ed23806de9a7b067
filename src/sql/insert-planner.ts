import type { Statement } from './ast.js';
import { closestName } from '../core/closest-name.js';
import { propertyKey, type Column, type Constants } from './expression-compiler.js';
import { planResult, type PlanContext } from './query-planner.js';
import { SqlError } from './sql-error.js';
import { formatType, isNumeric } from './sql-types.js';
import { connectorOf, writableColumns } from './table-source-planner.js';
import { sinkConversion } from './types/value-format.js';

type Insert = Extract<Statement, { kind: 'insert' }>;

/**
 * INSERT INTO t [(cols)] SELECT ...: the query, one step that puts its columns in the sink's order
 * and types (TIMESTAMP as text for files and print), and the table's sink. Returns the table's
 * qualified name (`catalog.database.table`).
 */
export function planInsert(s: Insert, ctx: PlanContext): string {
  if (s.overwrite) throw new SqlError('INSERT OVERWRITE is not supported yet', s.table.pos, ctx.sql);
  const entry = ctx.catalog.lookup(s.table, ctx.sql);
  if (entry.kind === 'view') throw new SqlError(`'${entry.name}' is a view; INSERT needs a table`, s.table.pos, ctx.sql);
  const { connector, ctx: tableCtx } = connectorOf(entry, 'sink');
  const sinkColumns = writableColumns(entry);
  const targets = s.columns ?? sinkColumns.map((c) => c.name);
  for (const t of targets) {
    if (!sinkColumns.some((c) => c.name === t)) {
      const near = closestName(
        t,
        sinkColumns.map((c) => c.name),
      );
      throw new SqlError(`Column '${t}' not found in table '${entry.name}'${near ? `; did you mean '${near}'?` : ''}`, s.table.pos, ctx.sql);
    }
  }
  const planned = planResult(s.query, ctx);
  if (planned.columns.length !== targets.length) {
    throw new SqlError(
      `INSERT INTO ${entry.name}: the query gives ${planned.columns.length} column${planned.columns.length === 1 ? '' : 's'} but the table takes ${targets.length} (${targets.join(', ')})`,
      s.query.pos,
      ctx.sql,
    );
  }
  planned.columns.forEach((from, i) =>
    checkAssignable(
      from,
      sinkColumns.find((c) => c.name === targets[i])!,
      entry.name,
      s,
      ctx.sql,
    ),
  );
  // The sink's column order, NULL for columns the INSERT leaves out, TIMESTAMP as text: computed in
  // the query's own step.
  const toSink = (codes: readonly string[], consts: Constants) =>
    sinkColumns.map((col) => {
      const i = targets.indexOf(col.name);
      const from = i < 0 ? undefined : planned.columns[i];
      const conv = from && !connector.discardsValues ? sinkConversion(from.type, col.type) : undefined;
      const code =
        i < 0
          ? 'null'
          : connector.discardsValues
            ? codes[i]!
            : col.type.name === 'TIMESTAMP' && from?.type.name === 'TIMESTAMP' && (from.type.precision ?? 3) === 3
              ? `$.tsToString(${codes[i]})`
              : conv
                ? `${consts.ref(conv)}(${codes[i]})`
                : codes[i]!;
      return `${propertyKey(col.name, consts)}: ${code}`;
    });
  const sink = connector.sink!(tableCtx);
  // Flink's check: a sink that appends cannot apply the -U/+U/-D rows of an updating query.
  if (planned.updating && sink.inputChangelogMode !== 'all') {
    throw new SqlError(
      `Table sink 'default_catalog.default_database.${entry.name}' (connector '${connector.name}') doesn't support consuming update and delete changes which are produced by node ${planned.updatingBy ?? 'the query'}. ` +
        (connector.upsertOnPrimaryKey && !entry.primaryKey
          ? `Declare PRIMARY KEY (...) NOT ENFORCED on '${entry.name}' so that the sink writes the changes as upserts and deletes on that key.`
          : `It only appends rows; write the query to a sink that takes a changelog (print, blackhole), or use a window aggregation (TUMBLE/HOP/CUMULATE), which is insert-only.`),
      s.query.pos,
      ctx.sql,
    );
  }
  const pk = entry.primaryKey;
  // The sink keeps a row per PRIMARY KEY and the query keys its changelog on the same columns: it
  // takes upserts (Flink's `[I,UA,D]`), so the `-U` rows are not produced at all.
  if (pk && planned.upsertKey && connector.upsertOnPrimaryKey) {
    const written = planned.upsertKey.positions.map((p) => targets[p]!);
    if (written.length === pk.length && pk.every((k) => written.includes(k))) planned.upsertKey.emitUpserts();
  }
  let out = planned.stream(toSink);
  // An upsert sink with several subtasks gets each key's changes on one subtask, in order (Flink's keyed shuffle).
  if (pk && planned.updating && connector.upsertOnPrimaryKey && ctx.env.getParallelism() > 1)
    out = pk.length === 1 ? out.keyBy((r) => r[pk[0]!]) : out.keyBy((r) => pk.map((k) => String(r[k])).join('\u0000'));
  else if (ctx.env.getParallelism() > 1) {
    // A sink that wants rows of equal values on one subtask (the filesystem sink committing partitions).
    const by = connector.sinkShuffle?.(tableCtx);
    if (by) out = out.keyBy((r) => by.map((k) => String(r[k])).join('\u0000'));
  }
  out.sinkTo(sink);
  return ctx.catalog.qualifiedName(s.table, ctx.sql);
}

function checkAssignable(from: Column, to: Column, table: string, s: Insert, sql: string): void {
  const [f, t] = [from.type.name, to.type.name];
  // Numbers widen, as Flink's implicit casts: INT < BIGINT < DOUBLE, an integer into a DECIMAL, a DECIMAL into a DOUBLE.
  const ok =
    f === t ||
    (isNumeric(from.type) && isNumeric(to.type) && rank(f) <= rank(t)) ||
    (t === 'DECIMAL' && (f === 'INT' || f === 'BIGINT')) ||
    (f === 'DECIMAL' && t === 'DOUBLE');
  if (!ok)
    throw new SqlError(
      `INSERT INTO ${table}: column '${to.name}' is ${formatType(to.type)} but the query gives ${formatType(from.type)} ('${from.name}'); use CAST`,
      s.query.pos,
      sql,
    );
}

const rank = (n: string) => (n === 'INT' ? 1 : n === 'BIGINT' ? 2 : 3);
