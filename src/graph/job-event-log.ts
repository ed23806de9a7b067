import type { Logger } from '../core/logger.js';
import type { JobEvent } from './job-executor.js';

/**
 * Writes a job event as one log entry: its `message`, and its fields beside it (`event` is the
 * kind). A restart is a warning, the rest information.
 *
 * @example
 * client.onEvent?.((e) => logJobEvent(jobLogger(client.jobName), e));
 */
export function logJobEvent(log: Logger, e: JobEvent): void {
  const { kind, message, jobName: _job, ...fields } = e;
  if (kind === 'restarting') log.warn({ event: kind, ...fields }, message);
  else log.info({ event: kind, ...fields }, message);
}
