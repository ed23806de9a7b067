/**
 * The worker thread that answers the JDBC catalog's requests (see jdbc-metadata-sync.ts): for each
 * request on the port it posts the answer, then wakes the thread that blocks on the shared signal.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { readJdbcMetadata, type JdbcMetadataRequest } from './jdbc-metadata.js';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
port.on('message', (request: JdbcMetadataRequest) => {
  void readJdbcMetadata(request).then((answer) => {
    port.postMessage(answer);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
