import type { Expr, OrderItem, OverWindow } from './ast.js';
import { SqlError } from './sql-error.js';
import type { TokenCursor } from './token-cursor.js';

/**
 * The parts of Flink's grammar that order rows: ORDER BY lists and OVER windows
 * (`OVER w`, `OVER (PARTITION BY ... ORDER BY ... ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW)`).
 * `expression` parses one expression at the cursor.
 */
export class OverClauseParser {
  constructor(
    private readonly c: TokenCursor,
    private readonly expression: () => Expr,
  ) {}

  /** `e [ASC|DESC] [NULLS FIRST|LAST], ...` (after ORDER BY). */
  orderItems(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      const expr = this.expression();
      const desc = this.c.acceptKeyword('DESC');
      if (!desc) this.c.acceptKeyword('ASC');
      // NULL is the smallest value (Flink's default): first when ascending, last when descending.
      let nullsFirst = !desc;
      if (this.c.acceptKeyword('NULLS', 'FIRST')) nullsFirst = true;
      else if (this.c.acceptKeyword('NULLS', 'LAST')) nullsFirst = false;
      items.push({ expr, desc, nullsFirst });
    } while (this.c.acceptOp(','));
    return items;
  }

  /** After the OVER keyword: a window name, or a window in parentheses. */
  over(): OverWindow {
    const c = this.c;
    const pos = c.next().pos;
    if (!c.isOp('(')) return { ref: c.identifier('a window name or ('), partitionBy: [], orderBy: [], frame: undefined, pos };
    c.next();
    const w = this.windowBody(pos);
    c.expectOp(')');
    return w;
  }

  /** `[PARTITION BY ...] [ORDER BY ...] [ROWS|RANGE ...]`, up to the closing parenthesis. */
  windowBody(pos: OverWindow['pos']): OverWindow {
    const c = this.c;
    const partitionBy: Expr[] = [];
    if (c.acceptKeyword('PARTITION', 'BY')) {
      do partitionBy.push(this.expression());
      while (c.acceptOp(','));
    }
    const orderBy = c.acceptKeyword('ORDER', 'BY') ? this.orderItems() : [];
    let frame: OverWindow['frame'];
    const unitTok = c.peek();
    if (c.acceptKeyword('ROWS') || c.acceptKeyword('RANGE')) {
      const unit = unitTok.upper as 'ROWS' | 'RANGE';
      const between = c.acceptKeyword('BETWEEN');
      const preceding = this.preceding(unit);
      if (between) {
        c.expectKeyword('AND');
        if (!c.acceptKeyword('CURRENT', 'ROW'))
          throw new SqlError('OVER windows end at CURRENT ROW in streaming (as in Flink); FOLLOWING is not supported', c.peek().pos, c.sql);
      }
      frame = { unit, preceding };
    }
    return { partitionBy, orderBy, frame, pos };
  }

  /** `UNBOUNDED PRECEDING`, `CURRENT ROW`, `n PRECEDING` (ROWS) or `INTERVAL '..' unit PRECEDING` (RANGE). */
  private preceding(unit: 'ROWS' | 'RANGE'): number {
    const c = this.c;
    if (c.acceptKeyword('UNBOUNDED', 'PRECEDING')) return Infinity;
    if (c.acceptKeyword('CURRENT', 'ROW')) return 0;
    const at = c.peek();
    const e = this.expression();
    let n: number | undefined;
    if (unit === 'ROWS' && e.kind === 'literal' && (e.type === 'int' || e.type === 'bigint')) n = e.value as number;
    if (unit === 'RANGE' && e.kind === 'interval') n = e.millis;
    if (n === undefined || n < 0)
      return c.fail(
        unit === 'ROWS' ? 'Expected a row count such as 2 (ROWS BETWEEN 2 PRECEDING ...)' : "Expected an interval such as INTERVAL '10' SECOND",
        at,
      );
    c.expectKeyword('PRECEDING');
    return n;
  }
}
