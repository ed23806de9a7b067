import { blackholeTable } from './blackhole-table.js';
import { datagenTable } from './datagen-table.js';
import { filesystemTable } from './filesystem-table.js';
import { jdbcTable } from './jdbc-table.js';
import { mysqlCdcTable } from './mysql-cdc-table.js';
import { nexmarkTable } from './nexmark-table.js';
import { postgresCdcTable } from './postgres-cdc-table.js';
import { printTable } from './print-table.js';
import type { TableConnector } from './table-connector.js';

/** The connectors SQL tables can name in 'connector' = '...': the one registration list. */
export const TABLE_CONNECTORS: readonly TableConnector[] = [
  datagenTable,
  nexmarkTable,
  filesystemTable,
  printTable,
  blackholeTable,
  mysqlCdcTable,
  postgresCdcTable,
  jdbcTable,
];
