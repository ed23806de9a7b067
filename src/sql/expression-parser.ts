import type { Expr, Name, Query } from './ast.js';
import { OverClauseParser } from './over-clause-parser.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import type { SqlType } from './sql-types.js';
import { numberLiteral } from './types/number-literal.js';
import { parseType } from './types/type-parser.js';
import { postfix, specialForm } from './types/special-forms.js';
import type { TokenCursor } from './token-cursor.js';

/** Words that end an expression or a select item, so they are never read as an alias or a column. */
export const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'ON',
  'AND',
  'OR',
  'NOT',
  'AS',
  'IS',
  'IN',
  'BETWEEN',
  'LIKE',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'WINDOW',
  'OVER',
  'WITH',
  'VALUES',
  'NULL',
  'TRUE',
  'FALSE',
  'DISTINCT',
  'ALL',
  'LATERAL',
  'FOR',
]);

/** The interval ranges `INTERVAL '..' a TO b` may name. */
const RANGES = new Set(['YEAR MONTH', 'DAY HOUR', 'DAY MINUTE', 'DAY SECOND', 'HOUR MINUTE', 'HOUR SECOND', 'MINUTE SECOND']);

const INTERVAL_UNITS: Record<string, number> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };

/**
 * Recursive descent over Flink's expression grammar, lowest precedence first:
 * OR, AND, NOT, comparison (= <> < > <= >=, IS [NOT] NULL, [NOT] BETWEEN/IN/LIKE), + - ||, * / %, unary, primary.
 */
export class ExpressionParser {
  /** `subquery`: parses a query in parentheses, for IN (SELECT ...) and EXISTS (without it they fail as unsupported). */
  constructor(
    private readonly c: TokenCursor,
    private readonly subquery?: () => Query,
  ) {}

  expression(): Expr {
    return this.or();
  }

  /** A query (SELECT, WITH or VALUES) starts `ahead` tokens on. */
  private queryStarts(ahead = 0): boolean {
    return this.c.isKeyword('SELECT', ahead) || this.c.isKeyword('WITH', ahead) || this.c.isKeyword('VALUES', ahead);
  }

  private or(): Expr {
    let left = this.and();
    while (this.c.isKeyword('OR')) {
      const pos = this.c.next().pos;
      left = { kind: 'binary', op: 'OR', left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.c.isKeyword('AND')) {
      const pos = this.c.next().pos;
      left = { kind: 'binary', op: 'AND', left, right: this.not(), pos };
    }
    return left;
  }

  private not(): Expr {
    if (this.c.isKeyword('NOT')) {
      const pos = this.c.next().pos;
      return { kind: 'unary', op: 'NOT', arg: this.not(), pos };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const t = this.c.peek();
      if (t.type === 'op' && ['=', '<>', '!=', '<', '>', '<=', '>='].includes(t.value)) {
        this.c.next();
        left = { kind: 'binary', op: t.value === '!=' ? '<>' : t.value, left, right: this.additive(), pos: t.pos };
      } else if (this.c.isKeyword('IS')) {
        this.c.next();
        const negated = this.c.acceptKeyword('NOT');
        if (this.c.acceptKeyword('NULL')) left = { kind: 'isNull', arg: left, negated, pos: t.pos };
        else if (this.c.isKeyword('TRUE') || this.c.isKeyword('FALSE')) {
          const value = this.c.next().upper === 'TRUE';
          // IS [NOT] TRUE/FALSE never yields NULL.
          left = { kind: 'call', name: negated ? (value ? 'IS_NOT_TRUE' : 'IS_NOT_FALSE') : value ? 'IS_TRUE' : 'IS_FALSE', args: [left], pos: t.pos };
        } else if (this.c.acceptKeyword('DISTINCT')) {
          this.c.expectKeyword('FROM');
          left = { kind: 'call', name: negated ? 'IS_NOT_DISTINCT_FROM' : 'IS_DISTINCT_FROM', args: [left, this.additive()], pos: t.pos };
        } else this.c.fail('Expected NULL, TRUE, FALSE or DISTINCT FROM after IS');
      } else if (this.c.isKeyword('BETWEEN') || (this.c.isKeyword('NOT') && this.c.isKeyword('BETWEEN', 1))) {
        const negated = this.c.acceptKeyword('NOT');
        this.c.expectKeyword('BETWEEN');
        this.c.acceptKeyword('ASYMMETRIC');
        const low = this.additive();
        this.c.expectKeyword('AND');
        left = { kind: 'between', arg: left, low, high: this.additive(), negated, pos: t.pos };
      } else if (this.c.isKeyword('IN') || (this.c.isKeyword('NOT') && this.c.isKeyword('IN', 1))) {
        const negated = this.c.acceptKeyword('NOT');
        this.c.expectKeyword('IN');
        this.c.expectOp('(');
        if (this.queryStarts()) {
          if (!this.subquery) throw new SqlError('IN (SELECT ...) subqueries are not supported here', this.c.peek().pos, this.c.sql);
          const query = this.subquery();
          this.c.expectOp(')');
          left = { kind: 'inQuery', arg: left, query, negated, pos: t.pos };
          continue;
        }
        const list = [this.expression()];
        while (this.c.acceptOp(',')) list.push(this.expression());
        this.c.expectOp(')');
        left = { kind: 'in', arg: left, list, negated, pos: t.pos };
      } else if (this.c.isKeyword('LIKE') || (this.c.isKeyword('NOT') && this.c.isKeyword('LIKE', 1))) {
        const negated = this.c.acceptKeyword('NOT');
        this.c.expectKeyword('LIKE');
        left = { kind: 'like', arg: left, pattern: this.additive(), negated, pos: t.pos };
      } else return left;
    }
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const t = this.c.peek();
      if (t.type !== 'op' || (t.value !== '+' && t.value !== '-' && t.value !== '||')) return left;
      this.c.next();
      left = { kind: 'binary', op: t.value, left, right: this.multiplicative(), pos: t.pos };
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.c.peek();
      if (t.type !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.c.next();
      left = { kind: 'binary', op: t.value, left, right: this.unary(), pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.c.peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      this.c.next();
      return { kind: 'unary', op: t.value, arg: this.unary(), pos: t.pos };
    }
    return postfix(this.c, this.primary(), () => this.expression());
  }

  private primary(): Expr {
    const c = this.c;
    const t = c.peek();
    const pos = t.pos;
    if (t.type === 'number') {
      c.next();
      return numberLiteral(t.value, pos, c.sql);
    }
    if (t.type === 'string') {
      c.next();
      return { kind: 'literal', value: t.value, type: 'string', pos };
    }
    if (t.type === 'ident' && t.upper === 'EXISTS' && c.isOp('(', 1) && this.queryStarts(2)) {
      if (!this.subquery) throw new SqlError('EXISTS subqueries are not supported here', pos, c.sql);
      c.next();
      c.next();
      const query = this.subquery();
      c.expectOp(')');
      return { kind: 'exists', query, pos };
    }
    if (t.type === 'op' && t.value === '(') {
      c.next();
      if (this.queryStarts()) {
        if (!this.subquery) throw new SqlError('Subqueries are not supported here', c.peek().pos, c.sql);
        const query = this.subquery();
        c.expectOp(')');
        return { kind: 'scalarQuery', query, pos };
      }
      const e = this.expression();
      if (c.isOp(',')) {
        const items = [e];
        while (c.acceptOp(',')) items.push(this.expression());
        c.expectOp(')');
        return { kind: 'row', items, pos };
      }
      c.expectOp(')');
      return e;
    }
    if (t.type === 'op' && t.value === '*') {
      c.next();
      return { kind: 'star', qualifier: undefined, pos };
    }
    if (t.type === 'quoted') return this.columnOrStar();
    if (t.type !== 'ident') return c.fail('Expected an expression');
    switch (t.upper) {
      case 'NULL':
        c.next();
        return { kind: 'literal', value: null, type: 'null', pos };
      case 'TRUE':
      case 'FALSE':
        c.next();
        return { kind: 'literal', value: t.upper === 'TRUE', type: 'boolean', pos };
      case 'CASE':
        return this.caseExpr();
      case 'CAST':
      case 'TRY_CAST':
        if (c.isOp('(', 1)) return this.cast();
        break;
      case 'INTERVAL':
        return this.interval();
      case 'TIMESTAMP':
      case 'DATE':
      case 'TIME':
        if (c.peek(1).type === 'string') {
          c.next();
          const lit = c.next();
          const to: SqlType = t.upper === 'TIMESTAMP' ? { name: 'TIMESTAMP', precision: 3 } : { name: t.upper };
          return { kind: 'cast', arg: { kind: 'literal', value: lit.value, type: 'string', pos: lit.pos }, to, pos };
        }
        break;
      case 'EXTRACT':
      case 'POSITION':
      case 'FLOOR':
      case 'CEIL':
      case 'ARRAY':
      case 'MAP': {
        const special = specialForm(
          c,
          () => this.expression(),
          () => this.additive(),
        );
        if (special) return special;
        break;
      }
      case 'TRIM':
        if (c.isOp('(', 1)) return this.trim();
        break;
      case 'SUBSTRING':
        if (c.isOp('(', 1)) return this.substring();
        break;
    }
    if (c.isOp('(', 1) && !RESERVED.has(t.upper)) return this.call();
    if (RESERVED.has(t.upper)) return c.fail('Expected an expression');
    return this.columnOrStar();
  }

  private columnOrStar(): Expr {
    const first = this.c.peek();
    const parts = [this.c.identifier()];
    while (this.c.isOp('.')) {
      this.c.next();
      if (this.c.acceptOp('*')) return { kind: 'star', qualifier: parts.join('.'), pos: first.pos };
      parts.push(this.c.identifier('a column name'));
    }
    const name: Name = { parts, pos: first.pos };
    return { kind: 'column', name, pos: first.pos };
  }

  private call(): Expr {
    const t = this.c.next();
    this.c.expectOp('(');
    const args: Expr[] = [];
    const distinct = this.c.acceptKeyword('DISTINCT');
    if (!this.c.isOp(')')) {
      args.push(this.expression());
      while (this.c.acceptOp(',')) args.push(this.expression());
    }
    this.c.expectOp(')');
    let filter: Expr | undefined;
    if (this.c.isKeyword('FILTER') && this.c.isOp('(', 1)) {
      this.c.next();
      this.c.next();
      this.c.expectKeyword('WHERE');
      filter = this.expression();
      this.c.expectOp(')');
    }
    const over = this.c.isKeyword('OVER') ? new OverClauseParser(this.c, () => this.expression()).over() : undefined;
    return { kind: 'call', name: t.upper, args, pos: t.pos, ...(distinct ? { distinct } : {}), ...(filter ? { filter } : {}), ...(over ? { over } : {}) };
  }

  private caseExpr(): Expr {
    const pos = this.c.next().pos;
    const operand = this.c.isKeyword('WHEN') ? undefined : this.expression();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.c.acceptKeyword('WHEN')) {
      const when = this.expression();
      this.c.expectKeyword('THEN');
      whens.push({ when, then: this.expression() });
    }
    if (whens.length === 0) this.c.fail('Expected WHEN');
    const otherwise = this.c.acceptKeyword('ELSE') ? this.expression() : undefined;
    this.c.expectKeyword('END');
    return { kind: 'case', operand, whens, otherwise, pos };
  }

  private cast(): Expr {
    const t = this.c.next();
    this.c.expectOp('(');
    const arg = this.expression();
    this.c.expectKeyword('AS');
    const to = this.type();
    this.c.expectOp(')');
    return { kind: 'cast', arg, to, pos: t.pos, ...(t.upper === 'TRY_CAST' ? { safe: true } : {}) };
  }

  /** A type ([type-parser.ts](./types/type-parser.ts)); NOT NULL is left to the caller. */
  type(): SqlType {
    return parseType(this.c);
  }

  private interval(): Expr {
    const pos = this.c.next().pos;
    const text = this.c.string("an interval literal such as '5'");
    const unitTok = this.c.peek();
    const unit = this.c.identifier('a time unit').toUpperCase().replace(/S$/, '');
    this.precision();
    // `TO` of FLOOR(x TO DAY) may follow too: a range only when the two units make one.
    if (this.c.isKeyword('TO') && RANGES.has(`${unit} ${this.c.peek(1).upper?.replace(/S$/, '')}`)) {
      this.c.next();
      return this.compoundInterval(text, unit, pos);
    }
    const perMonths = unit === 'MONTH' ? 1 : unit === 'YEAR' ? 12 : undefined;
    if (perMonths !== undefined) {
      if (!/^\s*[-+]?\d+\s*$/.test(text)) throw new SqlError(`'${text}' is not a whole number of ${unit.toLowerCase()}s`, pos, this.c.sql);
      return { kind: 'interval', millis: 0, months: Number(text) * perMonths, pos };
    }
    const per = INTERVAL_UNITS[unit];
    if (per === undefined)
      throw new SqlError(
        `Interval unit ${unit} is not supported yet (supported: ${Object.keys(INTERVAL_UNITS).join(', ')}, MONTH, YEAR)`,
        unitTok.pos,
        this.c.sql,
      );
    const n = Number(text);
    if (!Number.isFinite(n)) throw new SqlError(`'${text}' is not a number of ${unit.toLowerCase()}s`, pos, this.c.sql);
    return { kind: 'interval', millis: n * per, pos };
  }

  /** `(p)` or `(p, s)` after an interval unit (`DAY(3)`, `SECOND(3)`): read and left to the value. */
  private precision(): void {
    if (!this.c.isOp('(') || this.c.peek(1).type !== 'number') return;
    this.c.next();
    this.c.next();
    if (this.c.acceptOp(',')) this.c.next();
    this.c.expectOp(')');
  }

  /**
   * `INTERVAL '1-2' YEAR TO MONTH` (years-months) and the day-time ranges as SQL writes them:
   * `'1 02'` DAY TO HOUR, `'1 02:03'` DAY TO MINUTE, `'1 02:03:04.5'` DAY TO SECOND, `'02:03'` HOUR TO
   * MINUTE, `'02:03:04'` HOUR TO SECOND, `'03:04.5'` MINUTE TO SECOND; a leading sign negates it all.
   */
  private compoundInterval(text: string, from: string, pos: SqlPosition): Expr {
    const c = this.c;
    const to = c.identifier('a time unit').toUpperCase().replace(/S$/, '');
    this.precision();
    const range = `${from} TO ${to}`;
    const m = /^\s*([-+]?)(.*?)\s*$/.exec(text)!;
    const sign = m[1] === '-' ? -1 : 1;
    const body = m[2]!;
    const bad = (form: string): never => {
      throw new SqlError(`'${text}' is not an interval ${range} (write it as '${form}')`, pos, c.sql);
    };
    if (from === 'YEAR' && to === 'MONTH') {
      const ym = /^(\d+)-(\d+)$/.exec(body) ?? bad('years-months, such as 1-2');
      return { kind: 'interval', millis: 0, months: sign * (Number(ym[1]) * 12 + Number(ym[2])), pos };
    }
    const units = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
    const [a, b] = [units.indexOf(from), units.indexOf(to)];
    const fields = units.slice(a, b + 1);
    const pattern = fields.map((f, i) => (i === 0 ? '' : fields[i - 1] === 'DAY' ? ' ' : ':') + (f === 'SECOND' ? '(\\d+(?:\\.\\d+)?)' : '(\\d+)')).join('');
    const example: Record<string, string> = { DAY: '1', HOUR: '02', MINUTE: '03', SECOND: '04.5' };
    const form = fields.map((f, i) => (i === 0 ? '' : fields[i - 1] === 'DAY' ? ' ' : ':') + example[f]).join('');
    const parts = new RegExp(`^${pattern}$`).exec(body) ?? bad(form);
    const millis = fields.reduce(
      (sum, f, i) => sum + Number(parts[i + 1]) * (f === 'DAY' ? 86_400_000 : f === 'HOUR' ? 3_600_000 : f === 'MINUTE' ? 60_000 : 1000),
      0,
    );
    return { kind: 'interval', millis: sign * Math.round(millis), pos };
  }

  private trim(): Expr {
    const pos = this.c.next().pos;
    this.c.expectOp('(');
    let side: 'BOTH' | 'LEADING' | 'TRAILING' = 'BOTH';
    let chars: Expr | undefined;
    if (this.c.isKeyword('BOTH') || this.c.isKeyword('LEADING') || this.c.isKeyword('TRAILING')) side = this.c.next().upper as typeof side;
    let arg: Expr;
    if (this.c.acceptKeyword('FROM')) arg = this.expression();
    else {
      const first = this.expression();
      if (this.c.acceptKeyword('FROM')) {
        chars = first;
        arg = this.expression();
      } else arg = first;
    }
    this.c.expectOp(')');
    return { kind: 'trim', side, chars, arg, pos };
  }

  private substring(): Expr {
    const t = this.c.next();
    this.c.expectOp('(');
    const args = [this.expression()];
    if (this.c.acceptKeyword('FROM')) {
      args.push(this.expression());
      if (this.c.acceptKeyword('FOR')) args.push(this.expression());
    } else while (this.c.acceptOp(',')) args.push(this.expression());
    this.c.expectOp(')');
    return { kind: 'call', name: 'SUBSTRING', args, pos: t.pos };
  }
}
