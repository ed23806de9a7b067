import { closestName } from '../core/closest-name.js';
import { ConfigError } from '../core/errors.js';

/** Every top-level key `StreamEnvironment.create` reads: camelCase names and Flink's keys. */
const KNOWN_KEYS = [
  'parallelism',
  'parallelism.default',
  'maxParallelism',
  'pipeline.max-parallelism',
  'clock',
  'batchSize',
  'autoWatermarkInterval',
  'pipeline.auto-watermark-interval',
  'jobModule',
  'slotMode',
  'execution.slot-mode',
  'aggPhaseStrategy',
  'table.optimizer.agg-phase-strategy',
  'operatorChaining',
  'pipeline.operator-chaining',
  'pipeline.operator-chaining.enabled',
  'restore',
  'stateBackend',
  'state.backend.type',
  'state.backend.lmdb.local-dir',
  'state.backend.lmdb.memory.cache-entries',
  'state.backend.lmdb.memory.managed-size',
  'state.backend.lmdb.memory.managed-fraction',
  'execution.checkpointing.incremental',
  'allocationSitePretenuring',
  'weir.v8.allocation-site-pretenuring',
  'checkpoints',
  'execution.checkpointing.interval',
  'execution.checkpointing.mode',
  'execution.checkpointing.timeout',
  'execution.checkpointing.min-pause',
  'execution.checkpointing.tolerable-failed-checkpoints',
  'state.checkpoints.dir',
  'state.checkpoints.num-retained',
  'restartStrategy',
  'restart-strategy',
  'restart-strategy.type',
  'restart-strategy.fixed-delay.attempts',
  'restart-strategy.fixed-delay.delay',
  'restart-strategy.exponential-delay.initial-backoff',
  'restart-strategy.exponential-delay.max-backoff',
  'restart-strategy.exponential-delay.backoff-multiplier',
  'restart-strategy.exponential-delay.reset-backoff-threshold',
  'restart-strategy.exponential-delay.attempts-before-reset-backoff',
  'restart-strategy.failure-rate.max-failures-per-interval',
  'restart-strategy.failure-rate.failure-rate-interval',
  'restart-strategy.failure-rate.delay',
  'rest.port',
  'rest.bind-port',
  'rest.bind-address',
  'rest.auth.token',
  'rest.server.max-content-length',
  'metrics.reporter.prom.port',
  'env.log.level',
];

/** The keys of the object-valued settings. */
const NESTED_KEYS: Record<string, readonly string[]> = {
  checkpoints: ['interval', 'mode', 'timeout', 'minPause', 'tolerableFailures', 'dir', 'retained'],
  restartStrategy: [
    'type',
    'attempts',
    'delay',
    'initialBackoff',
    'maxBackoff',
    'backoffMultiplier',
    'resetBackoffThreshold',
    'attemptsBeforeResetBackoff',
    'maxFailuresPerInterval',
    'failureRateInterval',
  ],
  restore: ['path', 'latest', 'ignoreState', 'allowNonRestoredState'],
};

/**
 * Flink keys Weir does not act on yet. `accepts` lists the values that describe what Weir does
 * anyway (setting them changes nothing, so they pass); any other value fails with `why`.
 */
interface UnsupportedKey {
  readonly why: string;
  readonly accepts?: readonly string[];
}

/** Why a Flink backend name is refused: Weir's disk backend is another store. */
const DISK = "Weir's disk state backend is LMDB, not RocksDB: set 'state.backend.type': 'lmdb' (or 'hashmap', the heap, the default)";

/**
 * Values of keys Weir reads that name something Weir does not have. Other names of state backends
 * are checked when the job starts, against the backends registered then (registerStateBackend).
 */
const UNSUPPORTED_VALUES: Record<string, readonly string[]> = {
  'state.backend.type': ['rocksdb', 'forst'],
  stateBackend: ['rocksdb', 'forst'],
};
const UNALIGNED = 'checkpoints are aligned; unaligned checkpoints are not there yet';
const UNSUPPORTED: Record<string, UnsupportedKey> = {
  'state.backend': { why: "the state backend is chosen with 'state.backend.type' ('hashmap' or 'lmdb')", accepts: ['hashmap'] },
  'state.backend.incremental': { why: "incremental checkpoints are turned on with 'execution.checkpointing.incremental'", accepts: ['false'] },
  'state.backend.local-recovery': { why: 'recovery always reads the checkpoint directory', accepts: ['false'] },
  'execution.checkpointing.unaligned': { why: UNALIGNED, accepts: ['false'] },
  'execution.checkpointing.unaligned.enabled': { why: UNALIGNED, accepts: ['false'] },
  'execution.checkpointing.aligned-checkpoint-timeout': { why: UNALIGNED },
  'execution.checkpointing.max-concurrent-checkpoints': { why: 'one checkpoint runs at a time', accepts: ['1'] },
  'execution.checkpointing.storage': { why: "checkpoints are written to files under 'state.checkpoints.dir'", accepts: ['filesystem'] },
  'state.checkpoint-storage': { why: "checkpoints are written to files under 'state.checkpoints.dir'", accepts: ['filesystem'] },
  'execution.checkpointing.dir': { why: "the checkpoint directory is 'state.checkpoints.dir'" },
  'state.savepoints.dir': { why: "savepoints go to the checkpoint directory ('state.checkpoints.dir')" },
  'execution.checkpointing.savepoint-dir': { why: "savepoints go to the checkpoint directory ('state.checkpoints.dir')" },
  'execution.savepoint.path': { why: "start from a savepoint with 'weir run --from-savepoint <dir>' or { restore: { path } }" },
  'execution.savepoint.ignore-unclaimed-state': { why: "use 'weir run --allow-non-restored-state' or { restore: { allowNonRestoredState: true } }" },
  'execution.runtime-mode': { why: 'jobs run in streaming mode; a bounded input gives its final results when it ends', accepts: ['streaming'] },
  'restart-strategy.exponential-delay.jitter-factor': { why: 'restart delays have no jitter', accepts: ['0', '0.0'] },
  'state.backend.rocksdb.memory.managed': { why: `${DISK}; its memory is bounded with 'state.backend.lmdb.memory.managed-size'` },
  'table.exec.state.ttl': { why: 'it is a SQL key (SET it in SQL); DataStream state takes its TTL per state with stateTtl(...)' },
};

/** Flink keys that Flink itself ignores in a job's configuration (cluster set-up): warned about, not failed. */
const CLUSTER_PREFIXES = [
  'taskmanager.',
  'jobmanager.',
  'rest.',
  'web.',
  'metrics.',
  'high-availability',
  'kubernetes.',
  'yarn.',
  'blob.',
  'pekko.',
  'akka.',
  'cluster.',
  'security.',
  'io.tmp.dirs',
  'env.',
];
/** Flink keys that are hints with no effect here: warned about, not failed. */
const IGNORED: Record<string, string> = {
  'pipeline.name': "the job's name is the argument of env.execute(name)",
  'pipeline.object-reuse': 'chained operators never copy records anyway',
  'execution.buffer-timeout': 'there are no network buffers; sources emit batches of up to batchSize records',
  'execution.buffer-timeout.interval': 'there are no network buffers; sources emit batches of up to batchSize records',
};

const ALL_NAMES = [...KNOWN_KEYS, ...Object.keys(UNSUPPORTED), ...Object.keys(IGNORED)];

/**
 * Checks the keys of a job's configuration before anything reads them: a Flink key Weir does not
 * act on, or a value it does not support, fails with the key and the reason; a cluster key Flink
 * would ignore in a job's configuration is returned as a warning; any other unknown key fails,
 * with the closest known key when it looks misspelt. Returns the warnings.
 *
 * @example
 * checkConfigKeys({ 'state.backend.type': 'rocksdb' }) // throws ConfigError: not supported yet
 * checkConfigKeys({ paralelism: 2 })                   // throws ConfigError: did you mean 'parallelism'?
 */
export function checkConfigKeys(config: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (KNOWN_KEYS.includes(key)) {
      const refused = UNSUPPORTED_VALUES[key]?.find((v) => v === String(value).toLowerCase());
      if (refused) throw new ConfigError(`Configuration '${key}' = ${show(value)} is not supported by Weir: ${DISK}`);
      const nested = NESTED_KEYS[key];
      if (nested && typeof value === 'object' && value !== null) checkNested(key, value as Record<string, unknown>, nested);
      continue;
    }
    const unsupported = UNSUPPORTED[key];
    if (unsupported) {
      if (unsupported.accepts?.includes(String(value).toLowerCase())) continue;
      throw new ConfigError(`Configuration '${key}' = ${show(value)} is not supported by Weir yet: ${unsupported.why}`);
    }
    const ignored = IGNORED[key];
    if (ignored) warnings.push(`Configuration '${key}' is ignored: ${ignored}`);
    else if (CLUSTER_PREFIXES.some((p) => key.startsWith(p)))
      warnings.push(`Configuration '${key}' is ignored: Weir runs the job in this Node process, without a cluster to configure`);
    else throw unknownKey(key, ALL_NAMES, 'configuration key');
  }
  return warnings;
}

function checkNested(parent: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw unknownKey(key, known, `key of '${parent}'`);
  }
}

function unknownKey(key: string, candidates: readonly string[], what: string): ConfigError {
  const close = closestName(key, candidates);
  if (close) return new ConfigError(`Unknown ${what} '${key}': did you mean '${close}'?`);
  const known = candidates === ALL_NAMES ? TOP_LEVEL_SUMMARY : candidates.join(', ');
  return new ConfigError(`Unknown ${what} '${key}': Weir does not read it (it reads ${known})`);
}

const TOP_LEVEL_SUMMARY =
  `${KNOWN_KEYS.filter((k) => !k.includes('.') && k !== 'restart-strategy').join(', ')}, and Flink's ` +
  'parallelism.default, pipeline.max-parallelism, pipeline.auto-watermark-interval, execution.slot-mode, ' +
  'table.optimizer.agg-phase-strategy, execution.checkpointing.*, state.checkpoints.*, restart-strategy.*, rest.*, metrics.reporter.prom.port, env.log.level';

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v));
