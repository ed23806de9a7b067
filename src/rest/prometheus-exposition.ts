import type { SubtaskWatermarks, UserMetricSample } from '../graph/job-executor.js';
import type { ServedJob } from './served-job.js';

/*
 * Prometheus' text exposition format, written by hand: the metrics are read from the JobClient at
 * scrape time (nothing is recorded on the data path), and a few dozen gauges need no registry —
 * prom-client's default registry is process-wide, which two jobs (or two copies of Weir) would share.
 *
 * Names follow Flink's Prometheus reporter: the scope joined with '_' and the metric's name, with
 * 'flink' replaced by 'weir' (flink_taskmanager_job_task_operator_numRecordsIn becomes
 * weir_taskmanager_job_task_operator_numRecordsIn). Like Flink's reporter, counters are exposed as
 * gauges: they start again from zero when a job restarts.
 */

type Labels = Record<string, string>;

interface Family {
  readonly help: string;
  readonly type: 'gauge' | 'summary';
  /** `suffix`: `_count` of a summary (its quantiles have none). */
  readonly samples: { labels: Labels; value: number; suffix?: string }[];
}

/** Escapes a label value: backslash, double quote and line feed, as the format requires. */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The lowest of the subtasks' watermarks; -Inf (a valid sample value) before the first. */
function lowestWatermark(subtasks: readonly SubtaskWatermarks[] | undefined, field: 'inputWatermark' | 'outputWatermark'): number {
  return subtasks && subtasks.length > 0 ? Math.min(...subtasks.map((s) => s[field])) : -Infinity;
}

const OPERATOR = 'weir_taskmanager_job_task_operator_';
/** Flink reports busy and back-pressured time per task (a chain); here every operator is one, labelled as above. */
const TASK = 'weir_taskmanager_job_task_';
const JOB = 'weir_jobmanager_job_';

type Add = (name: string, help: string, labels: Labels, value: number, type?: Family['type'], suffix?: string) => void;

/**
 * A user-defined metric as Flink's Prometheus reporter exports it: a counter, a gauge and a meter
 * (its rate per second) as gauges, a histogram as a summary (its quantiles and `_count`), per subtask.
 */
function addUserMetric(add: Add, labels: Labels, u: UserMetricSample): void {
  const name = `${OPERATOR}${u.name}`;
  if (u.type === 'histogram' && u.histogram) {
    const help = `The operator's histogram '${u.name}' over its last values.`;
    for (const [q, v] of Object.entries(u.histogram.quantiles)) add(name, help, { ...labels, quantile: q }, v, 'summary');
    add(name, help, labels, u.histogram.sum, 'summary', '_sum');
    add(name, help, labels, u.value, 'summary', '_count');
    return;
  }
  const help = u.type === 'meter' ? `The operator's meter '${u.name}': events per second over the last minute.` : `The operator's ${u.type} '${u.name}'.`;
  add(name, help, labels, u.value);
}

/** The operator's bytes in the latest completed checkpoint, if one recorded them. */
function lastCheckpointBytes(job: ServedJob, uid: string): number | undefined {
  const last = job.client
    .checkpoints()
    .filter((c) => c.status === 'COMPLETED' && c.stateBytesByOperator)
    .at(-1);
  return last?.stateBytesByOperator?.[uid];
}

/**
 * The metrics of `jobs` in Prometheus' text format (version 0.0.4).
 *
 * @example
 * res.end(prometheusText(jobs)); // with content-type 'text/plain; version=0.0.4'
 */
export function prometheusText(jobs: readonly ServedJob[], now = Date.now()): string {
  const families = new Map<string, Family>();
  const add = (name: string, help: string, labels: Labels, value: number, type: Family['type'] = 'gauge', suffix?: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { help, type, samples: [] }));
    f.samples.push(suffix ? { labels, value, suffix } : { labels, value });
  };
  for (const job of jobs) {
    const jobLabels = { job_id: job.id, job_name: job.client.jobName };
    const metrics = job.client.metrics();
    const rates = job.rates.rates(metrics, now);
    job.vertices.forEach((v, i) => {
      const m = metrics[i];
      const labels = { ...jobLabels, task_id: v.id, task_name: v.name, operator_id: v.id, operator_name: v.name };
      add(`${OPERATOR}numRecordsIn`, 'Records the operator has received, summed over its subtasks.', labels, m?.recordsIn ?? 0);
      add(`${OPERATOR}numRecordsOut`, 'Records the operator has emitted, summed over its subtasks.', labels, m?.recordsOut ?? 0);
      add(`${OPERATOR}numRecordsInPerSecond`, 'Records received per second over the last seconds.', labels, rates[i]?.inPerSecond ?? 0);
      add(`${OPERATOR}numRecordsOutPerSecond`, 'Records emitted per second over the last seconds.', labels, rates[i]?.outPerSecond ?? 0);
      add(
        `${OPERATOR}currentInputWatermark`,
        'The lowest watermark its subtasks have received, in epoch milliseconds.',
        labels,
        lowestWatermark(m?.subtasks, 'inputWatermark'),
      );
      add(
        `${OPERATOR}currentOutputWatermark`,
        'The lowest watermark its subtasks have emitted, in epoch milliseconds.',
        labels,
        lowestWatermark(m?.subtasks, 'outputWatermark'),
      );
      add(
        `${TASK}busyTimeMsPerSecond`,
        "Milliseconds per second its tasks were processing, averaged over its subtasks (a chain shares its task's figure).",
        labels,
        rates[i]?.busyMsPerSecond ?? 0,
      );
      add(
        `${TASK}backPressuredTimeMsPerSecond`,
        'Milliseconds per second its tasks waited before they could feed more input, averaged over its subtasks.',
        labels,
        rates[i]?.backPressuredMsPerSecond ?? 0,
      );
      for (const [name, value] of Object.entries(m?.counters ?? {})) {
        add(`${OPERATOR}${name.replace(/[^a-zA-Z0-9:_]/g, '_')}`, `The operator's counter '${name}'.`, labels, value);
      }
      if (m?.stateEntries !== undefined) add(`${OPERATOR}stateEntries`, 'Entries of keyed state, summed over its subtasks.', labels, m.stateEntries);
      const stateBytes = m?.stateBytes ?? lastCheckpointBytes(job, v.uid);
      if (stateBytes !== undefined)
        add(
          `${OPERATOR}stateSizeBytes`,
          "Bytes of state: the backend's store where it knows them (LMDB), else the latest completed checkpoint's.",
          labels,
          stateBytes,
        );
      if (m?.stateCacheBytes !== undefined)
        add(
          `${OPERATOR}stateCacheBytes`,
          "Estimated heap bytes of the disk backend's caches (its managed memory in use), summed over its subtasks.",
          labels,
          m.stateCacheBytes,
        );
      for (const u of m?.userMetrics ?? []) addUserMetric(add, { ...labels, subtask_index: String(u.subtask) }, u);
    });
    const checkpoints = job.client.checkpoints();
    const completed = checkpoints.filter((c) => c.status === 'COMPLETED');
    const last = completed.at(-1);
    add(`${JOB}totalNumberOfCheckpoints`, 'Checkpoints and savepoints triggered.', jobLabels, checkpoints.length);
    add(`${JOB}numberOfCompletedCheckpoints`, 'Checkpoints and savepoints completed.', jobLabels, completed.length);
    add(`${JOB}numberOfFailedCheckpoints`, 'Checkpoints and savepoints failed.', jobLabels, checkpoints.length - completed.length);
    add(`${JOB}lastCheckpointDuration`, 'Milliseconds the last completed checkpoint took.', jobLabels, last?.durationMs ?? -1);
    add(`${JOB}lastCheckpointSize`, 'Bytes of the last completed checkpoint.', jobLabels, last?.sizeBytes ?? -1);
    add(`${JOB}numRestarts`, 'Restarts after failures.', jobLabels, job.client.restarts().length);
    add(`${JOB}uptime`, 'Milliseconds the job has been running; 0 once it has ended.', jobLabels, job.endTime < 0 ? job.duration(now) : 0);
    add(
      `${JOB}currentWatermark`,
      'The watermark every sink has passed, in epoch milliseconds (a Weir metric; Flink reports watermarks per operator).',
      jobLabels,
      job.client.currentWatermark(),
    );
  }
  const lines: string[] = [];
  for (const [name, f] of families) {
    lines.push(`# HELP ${name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      lines.push(`${name}${s.suffix ?? ''}{${labels}} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}
