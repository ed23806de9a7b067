/**
 * `npm run bench:codecs`: how fast batches of small records cross from one thread to another with
 * each codec the slot exchange could use: structured clone (postMessage of the objects), msgpackr
 * with record structures (one transferred buffer), and Weir's batch codec (columns of typed arrays,
 * transferred; src/runtime/parallel/batch-codec.ts). One JSON line per codec; the ratio to
 * structured clone is the figure to read, since absolute rates drift on a shared machine.
 */
import { Packr } from 'msgpackr';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { decodeValues, encodeValues, type EncodedValues } from '../src/runtime/parallel/batch-codec.js';
import { workerBootstrapUrl } from '../src/runtime/parallel/threaded-attempt.js';

const RECORDS = Number(process.env.WEIR_CODEC_RECORDS ?? 2_000_000);
const BATCH = 1024;
type Codec = 'structured-clone' | 'msgpackr' | 'weir-columnar';

function batch(start: number): { key: number; value: number; tag: string }[] {
  const out = new Array(BATCH);
  for (let j = 0; j < BATCH; j++) out[j] = { key: (start + j) % 1000, value: start + j, tag: 'bid' };
  return out;
}

if (isMainThread) {
  const results: Record<string, number> = {};
  for (const codec of ['structured-clone', 'msgpackr', 'weir-columnar'] as Codec[]) {
    const worker = new Worker(workerBootstrapUrl(import.meta.url), { workerData: codec });
    const packr = new Packr({ useRecords: true });
    let received = 0;
    let checksum = 0;
    const t0 = performance.now();
    await new Promise<void>((done) =>
      worker.on('message', (m: unknown) => {
        let values: { value: number }[];
        if (codec === 'structured-clone') values = m as { value: number }[];
        else if (codec === 'msgpackr') values = packr.unpack(new Uint8Array(m as ArrayBuffer)) as { value: number }[];
        else values = decodeValues(m as EncodedValues) as { value: number }[];
        received += values.length;
        checksum += values[values.length - 1]!.value;
        if (received >= RECORDS) done();
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    results[codec] = RECORDS / seconds;
    await worker.terminate();
    process.stdout.write(
      JSON.stringify({
        bench: 'exchange-codec',
        codec,
        records: RECORDS,
        recordsPerSec: Math.round(RECORDS / seconds),
        ratioToStructuredClone: +(results[codec]! / results['structured-clone']!).toFixed(2),
        checksum,
      }) + '\n',
    );
  }
} else {
  const codec = workerData as Codec;
  const packr = new Packr({ useRecords: true });
  for (let i = 0; i < RECORDS; i += BATCH) {
    const values = batch(i);
    if (codec === 'structured-clone') parentPort!.postMessage(values);
    else if (codec === 'msgpackr') {
      const buf = packr.pack(values);
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      parentPort!.postMessage(ab, [ab]);
    } else {
      const transfer: ArrayBuffer[] = [];
      parentPort!.postMessage(encodeValues(values, transfer), transfer);
    }
  }
}
