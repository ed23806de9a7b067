/**
 * The worker thread that answers one JDBC catalog request (see jdbc-metadata-sync.ts): it posts
 * the answer, then wakes the thread that blocks on the shared signal.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { readJdbcMetadata, type JdbcMetadataRequest } from './jdbc-metadata.js';

const { port, signal, request } = workerData as { port: MessagePort; signal: Int32Array; request: JdbcMetadataRequest };
port.postMessage(await readJdbcMetadata(request));
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
