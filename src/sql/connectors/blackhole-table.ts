import { blackhole } from '../../connectors/blackhole/blackhole-sink.js';
import type { TableConnector } from './table-connector.js';

/** Flink's `blackhole` sink: takes every row and keeps none. */
export const blackholeTable: TableConnector = {
  name: 'blackhole',
  options: [],
  discardsValues: true,
  sink: () => blackhole(),
};
