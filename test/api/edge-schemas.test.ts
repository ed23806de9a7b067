import { describe, expect, it } from 'vitest';
import {
  CollectSink,
  StreamEnvironment,
  TumblingEventTimeWindows,
  arraySource,
  formatSchema,
  sameSchema,
  schemaOf,
  sumOf,
  type Schema,
} from '../../src/index.js';

interface Order {
  id: number;
  customer: string;
  amount: number;
}

const orderSchema = schemaOf({ id: 'BIGINT', customer: 'STRING', amount: 'DECIMAL(10, 2)' });
const orders = (schema: Schema, name = 'Orders') => ({ ...arraySource<Order>([{ id: 1, customer: 'a', amount: 3 }], name), schema });

type PlanNode = { name: string; schema?: string };
const schemas = (env: StreamEnvironment) => Object.fromEntries((JSON.parse(env.explain()) as { nodes: PlanNode[] }).nodes.map((n) => [n.name, n.schema]));

describe('schemas on edges', () => {
  it('are built from names and logical types in order, and printed as SQL prints them', () => {
    expect(formatSchema(orderSchema)).toBe('(id BIGINT, customer STRING, amount DECIMAL(10, 2))');
    expect(
      formatSchema(
        schemaOf([
          ['2', 'INT'],
          ['1', 'TIMESTAMP(3)'],
        ]),
      ),
    ).toBe('(2 INT, 1 TIMESTAMP(3))');
    expect(sameSchema(orderSchema, schemaOf({ id: 'BIGINT', customer: 'STRING', amount: 'DECIMAL(10, 2)' }))).toBe(true);
    expect(sameSchema(orderSchema, schemaOf({ customer: 'STRING', id: 'BIGINT', amount: 'DECIMAL(10, 2)' }))).toBe(false);
    expect(() => schemaOf({ id: 'LONG' as never })).toThrow(/Schema field 'id' has type 'LONG', which is not a logical type/);
    expect(() =>
      schemaOf([
        ['id', 'INT'],
        ['id', 'BIGINT'],
      ]),
    ).toThrow(/'id' appears twice/);
  });

  it('flow from a source that declares one through filters, unions and into the sink, and are unknown after a map', () => {
    const env = StreamEnvironment.create();
    env
      .fromSource(orders(orderSchema))
      .filter((o) => o.amount > 0)
      .name('Paid')
      .union(env.fromSource(orders(orderSchema, 'More orders')))
      .name('All orders')
      .map((o) => o.customer)
      .name('Customers')
      .sinkTo(new CollectSink<string>());
    expect(schemas(env)).toEqual({
      Orders: '(id BIGINT, customer STRING, amount DECIMAL(10, 2))',
      Paid: '(id BIGINT, customer STRING, amount DECIMAL(10, 2))',
      'More orders': '(id BIGINT, customer STRING, amount DECIMAL(10, 2))',
      'All orders': '(id BIGINT, customer STRING, amount DECIMAL(10, 2))',
      Customers: undefined,
      Collect: undefined,
    });
  });

  it('are declared with withSchema and kept through planning rewrites (two-phase window aggregation)', () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromElements<Order>({ id: 1, customer: 'a', amount: 3 })
      .keyBy((o) => o.customer)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(sumOf((o: Order) => o.amount))
      .name('Totals')
      .withSchema(schemaOf({ total: 'DOUBLE' }))
      .print();
    const plan = JSON.parse(env.explain()) as { nodes: (PlanNode & { kind: string })[] };
    expect(plan.nodes.some((n) => n.kind === 'localWindowAggregate')).toBe(true);
    expect(plan.nodes.find((n) => n.name === 'Totals')?.schema).toBe('(total DOUBLE)');
    expect(plan.nodes.find((n) => n.name === 'Print')?.schema).toBe('(total DOUBLE)');
  });

  it('fail planning where two ends disagree: a union of streams with different schemas, or a declaration its input contradicts', () => {
    const other = schemaOf({ id: 'BIGINT', customer: 'STRING', amount: 'DOUBLE' });
    const union = StreamEnvironment.create();
    union
      .fromSource(orders(orderSchema))
      .union(union.fromSource(orders(other, 'Refunds')))
      .print();
    expect(() => union.explain()).toThrow(
      "Operator 'Union' (union) reads streams with different schemas: 'Orders' emits (id BIGINT, customer STRING, amount DECIMAL(10, 2)), 'Refunds' emits (id BIGINT, customer STRING, amount DOUBLE)",
    );
    expect(() => union.execute('mismatched-union')).toThrow(/reads streams with different schemas/);

    const declared = StreamEnvironment.create();
    declared
      .fromSource(orders(orderSchema))
      .filter(() => true)
      .withSchema(other)
      .print();
    expect(() => declared.explain()).toThrow(
      "Stream 'Filter' is declared with schema (id BIGINT, customer STRING, amount DOUBLE), but its operator emits (id BIGINT, customer STRING, amount DECIMAL(10, 2))",
    );
  });

  it('leave a stream with an input of unknown schema unchecked and unknown', () => {
    const env = StreamEnvironment.create();
    env.fromSource(orders(orderSchema)).union(env.fromElements<Order>()).name('Mixed').print();
    expect(schemas(env).Mixed).toBeUndefined();
  });
});
