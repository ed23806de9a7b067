import { describe, expect, it } from 'vitest';
import { ConfigError, StreamEnvironment } from '../../src/index.js';

const create = (config: Record<string, unknown>) => () => StreamEnvironment.create(config);

describe('configuration Weir does not act on', () => {
  it('fails for a Flink key Weir does not support, naming the key, the value and why', () => {
    expect(create({ 'state.backend.type': 'rocksdb' })).toThrow(ConfigError);
    expect(create({ 'state.backend.type': 'rocksdb' })).toThrow(
      /'state\.backend\.type' = 'rocksdb' is not supported by Weir: Weir's disk state backend is LMDB, not RocksDB: set 'state\.backend\.type': 'lmdb'/,
    );
    expect(create({ 'state.backend.incremental': true })).toThrow(
      /'state\.backend\.incremental' = true is not supported.*'execution\.checkpointing\.incremental'/,
    );
    expect(create({ 'execution.checkpointing.unaligned.enabled': true })).toThrow(/unaligned checkpoints are not there yet/);
    expect(create({ 'execution.runtime-mode': 'BATCH' })).toThrow(/'execution\.runtime-mode' = 'BATCH' is not supported/);
  });

  it('accepts those keys with the value that describes what Weir does anyway', () => {
    const env = StreamEnvironment.create({
      'state.backend.type': 'hashmap',
      'execution.checkpointing.incremental': false,
      'execution.runtime-mode': 'STREAMING',
    });
    expect(env.getParallelism()).toBe(1);
  });

  it('fails for a value it does not support for a key it knows', () => {
    expect(create({ batchSize: 0 })).toThrow(/batchSize: 0 is not a positive integer/);
    expect(create({ 'parallelism.default': 'two' })).toThrow(/parallelism\.default: two is not a positive integer/);
    expect(create({ 'execution.checkpointing.interval': '1s', 'execution.checkpointing.mode': 'exactly-twice' })).toThrow(/execution\.checkpointing\.mode/);
  });

  it('suggests the closest key for a misspelt one', () => {
    expect(create({ paralelism: 2 })).toThrow(/Unknown configuration key 'paralelism': did you mean 'parallelism'\?/);
    expect(create({ 'execution.checkpointing.intervall': '1s' })).toThrow(/did you mean 'execution\.checkpointing\.interval'\?/);
    expect(create({ 'state.backend.typ': 'rocksdb' })).toThrow(/did you mean 'state\.backend\.type'\?/);
    expect(create({ checkpoints: { intervall: '1s' } })).toThrow(/Unknown key of 'checkpoints' 'intervall': did you mean 'interval'\?/);
  });

  it('names what it reads when an unknown key is close to none', () => {
    expect(create({ colour: 'blue' })).toThrow(
      /Unknown configuration key 'colour': Weir does not read it \(it reads parallelism, maxParallelism, .*restart-strategy\.\*, rest\.\*, metrics\.reporter\.prom\.port, env\.log\.level\)/,
    );
  });

  it('warns about a cluster key, which Flink too ignores in a job configuration', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    const env = StreamEnvironment.create({ 'taskmanager.memory.process.size': '4g' });
    const warning = await warned;
    expect(warning.name).toBe('WeirConfigWarning');
    expect(warning.message).toBe(
      "Configuration 'taskmanager.memory.process.size' is ignored: Weir runs the job in this Node process, without a cluster to configure",
    );
    expect(env.getParallelism()).toBe(1);
  });
});
