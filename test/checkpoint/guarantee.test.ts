import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, print } from '../../src/index.js';
import { fileSink } from '../../src/connectors/filesystem/index.js';
import { socketTextSource } from '../../src/connectors/socket/index.js';
import { deliveryGuarantee } from '../../src/graph/delivery-guarantee.js';

describe('the guarantee a job reports', () => {
  it('exactly-once needs replayable sources, two-phase sinks and EXACTLY_ONCE checkpoints', () => {
    const env = StreamEnvironment.create();
    env
      .fromSequence(1, 10)
      .map(String)
      .sinkTo(fileSink({ path: '/tmp/unused', format: 'text' }));
    expect(deliveryGuarantee(env.graph, 'EXACTLY_ONCE')).toEqual({ guarantee: 'exactly-once' });
    expect(deliveryGuarantee(env.graph, 'AT_LEAST_ONCE').guarantee).toBe('at-least-once');
    expect(deliveryGuarantee(env.graph, undefined).guarantee).toBe('none');
  });

  it('names the sink or source that makes it weaker', () => {
    const env = StreamEnvironment.create();
    env.fromSequence(1, 10).sinkTo(print());
    expect(deliveryGuarantee(env.graph, 'EXACTLY_ONCE')).toEqual({ guarantee: 'at-least-once', reason: "sink 'Print' writes records as they arrive" });
    const env2 = StreamEnvironment.create();
    env2.fromSource(socketTextSource({ host: '127.0.0.1', port: 9 })).sinkTo(new CollectSink());
    expect(deliveryGuarantee(env2.graph, 'EXACTLY_ONCE')).toMatchObject({ guarantee: 'at-most-once', reason: expect.stringContaining('cannot replay') });
  });

  it('is on the job client', async () => {
    const env = StreamEnvironment.create({ 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': join(tmpdir(), 'weir-guarantee-test') });
    env.fromSequence(1, 10).sinkTo(new CollectSink());
    const client = env.executeAsync('g');
    expect(client.guarantee()).toEqual({ guarantee: 'at-least-once', reason: "sink 'Collect' writes records as they arrive" });
    await client.result;
  });
});
