// What a user sees when a statement is wrong: the line, the column and a caret under the token,
// the closest name for a misspelling, and the clause named for what is not supported yet.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { SqlError, TableEnvironment } from '../../src/sql/index.js';

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create();
  t.executeSql("CREATE TABLE orders (id INT, customer STRING, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
  return t;
}

function errorOf(run: () => unknown): SqlError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SqlError);
    return e as SqlError;
  }
  throw new Error('expected a SqlError');
}

describe('syntax errors', () => {
  it('point at the offending token with its line, column and a caret', () => {
    const e = errorOf(() => tEnv().executeSql('SELECT id,\n  amount *\nFROM orders'));
    expect(e.position).toMatchObject({ line: 3, column: 1 });
    expect(e.message).toBe("Expected an expression but found 'FROM' (line 3, column 1)\n  FROM orders\n  ^");
  });

  it('say what was expected at the end of a statement', () => {
    const e = errorOf(() => tEnv().executeSql('SELECT id FROM orders WHERE'));
    expect(e.message.split('\n')[0]).toBe('Expected an expression but found the end of the statement (line 1, column 28)');
  });

  it('place the caret under a token in the middle of a line', () => {
    const e = errorOf(() => tEnv().executeSql("CREATE TABLE t (a INT) WITH ('connector' 'print')"));
    expect(e.message.split('\n').slice(1)).toEqual(["  CREATE TABLE t (a INT) WITH ('connector' 'print')", '                                           ^']);
  });

  it('report an unterminated string where it starts', () => {
    const e = errorOf(() => tEnv().executeSql("SELECT 'abc FROM orders"));
    expect(e.message.split('\n')[0]).toBe('Unterminated string literal (line 1, column 8)');
  });
});

describe('unknown names', () => {
  it('name the closest column', () => {
    const e = errorOf(() => tEnv().sqlQuery('SELECT id, costumer FROM orders'));
    expect(e.message.split('\n')[0]).toBe("Column 'costumer' not found in table 'orders'; did you mean 'customer'? (line 1, column 12)");
  });

  it('name the closest table', () => {
    const e = errorOf(() => tEnv().sqlQuery('SELECT id FROM order'));
    expect(e.message.split('\n')[0]).toBe("Table or view 'order' not found; did you mean 'orders'? (line 1, column 16)");
  });

  it('name the closest function', () => {
    const e = errorOf(() => tEnv().sqlQuery('SELECT UPER(customer) FROM orders'));
    expect(e.message.split('\n')[0]).toBe('No function named UPER; did you mean UPPER? (line 1, column 8)');
  });

  it('name the closest connector and option', () => {
    expect(() => tEnv().executeSql("CREATE TABLE t (a INT) WITH ('connector' = 'datagn')")).toThrow(
      "connector 'datagn' is not supported; did you mean 'datagen'?",
    );
    expect(() => tEnv().executeSql("CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-row' = '5')")).toThrow(
      "unsupported option 'number-of-row' for connector 'datagen'; did you mean 'number-of-rows'?",
    );
  });
});

describe('type errors', () => {
  it('refuse comparing a string with a number', () => {
    expect(() => tEnv().sqlQuery('SELECT id FROM orders WHERE customer > 3')).toThrow(/Cannot compare STRING with INT \(operator >\); use CAST/);
  });
  it('refuse a non-boolean WHERE', () => {
    expect(() => tEnv().sqlQuery('SELECT id FROM orders WHERE amount')).toThrow(/WHERE expects a BOOLEAN condition, not DOUBLE/);
  });
  it('refuse an INSERT whose column types do not fit the table', () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE out_t (id INT, who INT) WITH ('connector' = 'blackhole')");
    expect(() => t.executeSql('INSERT INTO out_t SELECT id, customer FROM orders')).toThrow(/column 'who' is INT but the query gives STRING/);
    expect(() => t.executeSql('INSERT INTO out_t SELECT id FROM orders')).toThrow(/the query gives 1 column but the table takes 2/);
  });
});

describe('aggregations', () => {
  const withRowtime = () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE bids (item STRING, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    return t;
  };
  it.each([
    ['SELECT customer, amount FROM orders GROUP BY customer', "Column 'amount' is neither in GROUP BY nor inside an aggregate function"],
    ['SELECT * FROM orders GROUP BY customer', 'SELECT * cannot be used with GROUP BY'],
    ['SELECT id FROM orders WHERE COUNT(*) > 1', 'Aggregate function COUNT cannot be used here'],
    ['SELECT SUM(customer) FROM orders', 'SUM takes a number, not STRING'],
    ['SELECT MAX(COUNT(*)) FROM orders', 'Aggregate calls cannot be nested'],
    ['SELECT COUNT(*) FILTER (WHERE amount) FROM orders', 'FILTER expects a BOOLEAN condition, not DOUBLE'],
    [
      "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end",
      "The time column of TUMBLE must be the event-time attribute of 'orders'",
    ],
    [
      "SELECT item, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY item",
      'TUMBLE is supported in window aggregations: GROUP BY window_start, window_end',
    ],
    [
      "SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end",
      'HOP takes two intervals (slide, size); found 1',
    ],
  ])('%s', (sql, message) => {
    expect(() => withRowtime().sqlQuery(sql)).toThrow(message);
  });

  it('refuse an updating query into a sink that only appends, naming the sink and the operator', () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE totals (customer STRING, total DOUBLE) WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-never-written', 'format' = 'csv')");
    const e = errorOf(() => t.executeSql('INSERT INTO totals SELECT customer, SUM(amount) FROM orders GROUP BY customer'));
    expect(e.message).toContain(
      "Table sink 'default_catalog.default_database.totals' (connector 'filesystem') doesn't support consuming update and delete changes which are produced by node GroupAggregate(groupBy=[customer], select=[SUM(amount)])",
    );
  });
});

describe('features of later versions', () => {
  it.each([
    ['SELECT customer, COLLECT(customer) FROM orders GROUP BY customer', 'Aggregate function COLLECT is not supported yet'],
    ['SELECT customer, FIRST_VALUE(DISTINCT amount) FROM orders GROUP BY customer', 'FIRST_VALUE(DISTINCT ...) is not supported'],
    [
      'SELECT o.id FROM orders o FULL JOIN orders FOR SYSTEM_TIME AS OF o.ts AS p ON o.id = p.id',
      'A temporal join (FOR SYSTEM_TIME AS OF) is INNER or LEFT, not FULL',
    ],
    ['SELECT id FROM orders ORDER BY id OFFSET 2', 'OFFSET is not supported yet'],
    ['SELECT id FROM orders EXCEPT SELECT id FROM orders ORDER BY id OFFSET 2', 'OFFSET is not supported yet'],
    ["SELECT * FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))", 'The time column of SESSION must be the event-time attribute'],
    ["SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) FROM orders", 'Function TUMBLE_START is not supported yet'],
    ["CREATE TABLE d (x BYTES) WITH ('connector' = 'datagen')", 'Type BYTES is not supported yet'],
    ['SELECT DISTINCT id FROM orders ORDER BY customer LIMIT 3', 'ORDER BY items of a SELECT DISTINCT must be selected columns'],
  ])('%s', (sql, message) => {
    expect(() => {
      const t = tEnv();
      t.sqlQuery(sql);
    }).toThrow(message);
  });
});
