/** Flink-dialect SQL on Weir: `import { TableEnvironment } from 'weir/sql'`. */
export { TableEnvironment } from './table-environment.js';
export { Table } from './table.js';
export { TableResult } from './table-result.js';
export { StatementSet } from './statement-set.js';
export { SqlError, type SqlPosition } from './sql-error.js';
export { parseScript, parseStatement } from './statement-parser.js';
export type { Column } from './expression-compiler.js';
export type { SqlType, SqlTypeName } from './sql-types.js';
export type { Row } from './operators/calc-operator.js';
export { formatTableau } from './tableau.js';
export type { ScalarFunction } from './functions/user-function.js';
export { tableFunction, type TableFunction } from './functions/user-table-function.js';
export { aggregateFunction, type AggregateFunction } from './functions/user-aggregate-function.js';
export type { UserFunction } from './table-environment.js';
