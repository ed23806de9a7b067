import { startOffset, type Expr } from './ast.js';
import { exprText } from './calc-planner.js';

/** Where the text of a conjunct ends (the AND after it, or the end of its clause), for plan names. */
const ENDS = new WeakMap<Expr, number>();

/**
 * The conjuncts of a condition: `a AND (b AND c)` is `[a, b, c]`. `end`: the offset where the
 * condition's text ends, so that each conjunct's own text can be shown ({@link conditionText}).
 */
export function conjuncts(e: Expr | undefined, end?: number): Expr[] {
  if (e === undefined) return [];
  if (e.kind === 'binary' && e.op === 'AND') return [...conjuncts(e.left, e.pos.offset), ...conjuncts(e.right, end)];
  if (end !== undefined) ENDS.set(e, end);
  return [e];
}

/** The SQL text of a conjunct as written (parentheses around it dropped). */
export function conditionText(e: Expr, sql: string): string {
  const end = ENDS.get(e);
  if (end === undefined) return exprText(e, sql);
  let text = sql.slice(startOffset(e), end).trim();
  const depth = (t: string) => [...t].reduce((d, ch) => d + (ch === '(' ? 1 : ch === ')' ? -1 : 0), 0);
  while (depth(text) < 0 && text.endsWith(')')) text = text.slice(0, -1).trim();
  return text.replace(/\s+/g, ' ');
}

/** The conjunction of `conds`, or undefined when there are none. */
export function conjunction(conds: readonly Expr[]): Expr | undefined {
  if (conds.length === 0) return undefined;
  return conds.reduce((a, b) => ({ kind: 'binary', op: 'AND', left: a, right: b, pos: b.pos }));
}

/** Every column reference in `e`. */
export function columnRefs(e: Expr, out: Extract<Expr, { kind: 'column' }>[] = []): Extract<Expr, { kind: 'column' }>[] {
  if (e.kind === 'column') {
    out.push(e);
    return out;
  }
  for (const [k, v] of Object.entries(e)) {
    if (k === 'pos' || k === 'name' || k === 'to') continue;
    if (Array.isArray(v)) {
      for (const x of v as unknown[]) {
        if (isExpr(x)) columnRefs(x, out);
        else if (typeof x === 'object' && x !== null && 'when' in x) {
          const w = x as { when: Expr; then: Expr };
          columnRefs(w.when, out);
          columnRefs(w.then, out);
        }
      }
    } else if (isExpr(v)) columnRefs(v, out);
  }
  return out;
}

// A subquery (IN (SELECT ...), EXISTS) is a Query, not an expression of this query: not looked into.
const isExpr = (v: unknown): v is Expr => typeof v === 'object' && v !== null && 'kind' in v && 'pos' in v && v.kind !== 'select';

/** A time attribute column plus a constant: `ts`, `ts + INTERVAL '5' SECOND`, `ts - INTERVAL ...`. */
export interface TimeTerm {
  readonly column: Extract<Expr, { kind: 'column' }>;
  readonly offset: number;
}

export function timeTerm(e: Expr): TimeTerm | undefined {
  if (e.kind === 'column') return { column: e, offset: 0 };
  if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-')) return undefined;
  if (e.left.kind === 'column' && e.right.kind === 'interval') return { column: e.left, offset: e.op === '+' ? e.right.millis : -e.right.millis };
  if (e.op === '+' && e.left.kind === 'interval' && e.right.kind === 'column') return { column: e.right, offset: e.left.millis };
  return undefined;
}

/**
 * A comparison of two time terms as bounds on `right.ts - left.ts` (inclusive, in milliseconds;
 * timestamps are whole milliseconds, so `<` is `<=` one less). `leftFirst`: the comparison's first
 * term is of the left input. BETWEEN gives two comparisons.
 */
export function timeBounds(e: Expr): { a: TimeTerm; op: '<' | '<=' | '>' | '>='; b: TimeTerm }[] | undefined {
  if (e.kind === 'between' && !e.negated) {
    const arg = timeTerm(e.arg);
    const low = timeTerm(e.low);
    const high = timeTerm(e.high);
    return arg && low && high
      ? [
          { a: arg, op: '>=', b: low },
          { a: arg, op: '<=', b: high },
        ]
      : undefined;
  }
  if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return undefined;
  const a = timeTerm(e.left);
  const b = timeTerm(e.right);
  return a && b ? [{ a, op: e.op as '<' | '<=' | '>' | '>=', b }] : undefined;
}

/** `left.ts + ca  op  right.ts + cb` (or with the terms the other way round) as a bound on `right.ts - left.ts`. */
export function boundOf(aIsLeft: boolean, op: '<' | '<=' | '>' | '>=', ca: number, cb: number): { lower?: number; upper?: number } {
  // Written as "x op y" with x of the left input: l + cx op r + cy  <=>  r - l  op'  cx - cy (op flipped).
  const [x, y, o] = aIsLeft ? [ca, cb, op] : [cb, ca, ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op]];
  const d = x - y;
  if (o === '<') return { lower: d + 1 };
  if (o === '<=') return { lower: d };
  if (o === '>') return { upper: d - 1 };
  return { upper: d };
}
