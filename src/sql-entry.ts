// The 'weir/sql' entry: SQL on the engine the package entry wires (the local executor).
import './index.js';

export * from './sql/index.js';
