import type { OperatorMetricsSnapshot, UserMetricSample } from '../graph/job-executor.js';
import { watermarksView } from './job-views.js';
import type { ServedJob } from './served-job.js';

/** Flink's REST ids of a histogram's statistics: `<name>_p99` and the like. */
function histogramEntries(prefix: string, u: UserMetricSample): [string, number][] {
  const h = u.histogram!;
  const q = (k: string) => h.quantiles[k] ?? 0;
  return [
    [`${prefix}_count`, u.value],
    [`${prefix}_min`, h.min],
    [`${prefix}_max`, h.max],
    [`${prefix}_mean`, h.mean],
    [`${prefix}_stddev`, h.stdDev],
    [`${prefix}_p50`, q('0.5')],
    [`${prefix}_p75`, q('0.75')],
    [`${prefix}_p95`, q('0.95')],
    [`${prefix}_p98`, q('0.98')],
    [`${prefix}_p99`, q('0.99')],
    [`${prefix}_p999`, q('0.999')],
  ];
}

/** Every metric of one operator as `[id, value]`: per subtask `<index>.<name>`, and the operator's own. */
function entries(job: ServedJob, vertexId: string, m: OperatorMetricsSnapshot | undefined): [string, number | string][] {
  const out: [string, number | string][] = [
    ['numRecordsIn', m?.recordsIn ?? 0],
    ['numRecordsOut', m?.recordsOut ?? 0],
  ];
  for (const [k, v] of Object.entries(m?.counters ?? {})) out.push([k, v]);
  if (m?.stateEntries !== undefined) out.push(['stateEntries', m.stateEntries]);
  if (m?.stateBytes !== undefined) out.push(['stateSizeBytes', m.stateBytes]);
  if (m?.stateCacheBytes !== undefined) out.push(['stateCacheBytes', m.stateCacheBytes]);
  for (const w of watermarksView(job, vertexId) ?? []) out.push([w.id!, w.value!]);
  for (const u of m?.userMetrics ?? []) {
    const id = `${u.subtask}.${u.name}`;
    if (u.type === 'histogram' && u.histogram) out.push(...histogramEntries(id, u));
    else {
      out.push([id, u.value]);
      if (u.type === 'meter') out.push([`${id}_count`, u.count ?? 0]);
    }
  }
  return out;
}

/**
 * `GET /jobs/:jobid/vertices/:vertexid/metrics`, as Flink answers it: without `get`, the ids
 * available (`[{ id }]`); with `?get=a,b`, those metrics with their values as strings
 * (`[{ id, value }]`). Ids: `numRecordsIn`, counters, `stateEntries`, watermarks, and the user's
 * metrics per subtask (`0.seenOrders`; a histogram's `0.orderSize_p99`, `_count`, `_mean`, ...).
 * Undefined for an unknown vertex.
 *
 * @example
 * vertexMetrics(job, vertexId, 'numRecordsIn,0.seenOrders') // [{ id: 'numRecordsIn', value: '42' }, ...]
 */
export function vertexMetrics(job: ServedJob, vertexId: string, get: string | undefined): { id: string; value?: string }[] | undefined {
  const i = job.vertices.findIndex((v) => v.id === vertexId);
  if (i < 0) return undefined;
  const all = entries(job, vertexId, job.client.metrics()[i]);
  if (get === undefined) return all.map(([id]) => ({ id }));
  const wanted = new Set(get.split(',').map((s) => s.trim()));
  return all.filter(([id]) => wanted.has(id)).map(([id, value]) => ({ id, value: String(value) }));
}
