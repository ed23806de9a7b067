/** Watches WEIR_IN for text files (every 20 ms) and prints each line; WEIR_SLOT_MODE=single-thread keeps subtasks in the main thread. */
import { StreamEnvironment, fileSource } from '../../../src/index.js';

const env = StreamEnvironment.create(process.env.WEIR_SLOT_MODE === 'single-thread' ? { slotMode: 'single-thread' } : {});
env.fromSource(fileSource({ path: process.env.WEIR_IN!, format: 'text', monitorInterval: 20 })).print();
await env.execute('monitor');
