import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/core/batch.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Operator } from '../../src/core/operator.js';
import { barrierElement, batchElement, END, idleElement, watermarkElement, type ControlElement, type StreamElement } from '../../src/core/stream-element.js';
import { replayHeld } from '../../src/runtime/checkpoint/held-input.js';
import { EdgeRouter, type ChannelTarget } from '../../src/runtime/edge-router.js';
import { stateBackendFor } from '../../src/runtime/state/state-backends.js';
import { ChainedOperator } from '../../src/runtime/chained-operator.js';
import { StreamTask, type TaskHost } from '../../src/runtime/stream-task.js';

/** A channel target that writes down what reaches it, batch or control element, in order. */
function recorder(log: string[], prefix: string): ChannelTarget {
  return {
    receiveBatch: (ch, b) => log.push(`${prefix} ch${ch} batch ${b.values.join(',')}`),
    receiveControl: (ch, e) => log.push(`${prefix} ch${ch} ${describeControl(e)}`),
  };
}
function describeControl(e: ControlElement): string {
  switch (e.kind) {
    case 'watermark':
      return `watermark ${e.timestamp}`;
    case 'idle':
      return e.idle ? 'idle' : 'active';
    case 'barrier':
      return `barrier ${e.checkpointId}${e.savepoint ? ' savepoint' : ''}`;
    case 'end':
      return 'end';
  }
}

describe('held input', () => {
  it('replays every element kind to the method for it, in arrival order', () => {
    const elements: StreamElement[] = [
      watermarkElement(4),
      batchElement(new Batch(['a', 'b'], [1, 2])),
      idleElement(true),
      barrierElement(2, true),
      idleElement(false),
      END,
    ];
    const log: string[] = [];
    replayHeld(
      recorder(log, 'in'),
      elements.map((element, i) => ({ channel: i % 2, element })),
    );
    expect(log).toEqual(['in ch0 watermark 4', 'in ch1 batch a,b', 'in ch0 idle', 'in ch1 barrier 2 savepoint', 'in ch0 active', 'in ch1 end']);
  });

  it('a task holds batches and control elements of an aligned channel until the barrier of every channel arrived', () => {
    const log: string[] = [];
    const host: TaskHost = {
      clock: new ManualClock(0),
      failed: false,
      checkpointingMode: 'EXACTLY_ONCE',
      stateBackend: stateBackendFor(undefined),
      fail: (e) => {
        throw e;
      },
      block: () => undefined,
      acknowledgeCheckpoint: (id) => log.push(`ack ${id}`),
    };
    const operator: Operator = {
      processBatch: (b, input) => log.push(`op input${input} batch ${b.values.join(',')}`),
    };
    const st = new StreamTask(
      [new ChainedOperator({ name: 'op', uid: 'op', index: 0, parallelism: 1, maxParallelism: 128, keyed: false }, operator, host)],
      host,
    );
    const a = st.addChannel(0);
    const b = st.addChannel(1);
    st.head.output.main = [new EdgeRouter({ type: 'forward' }, [{ target: recorder(log, 'out'), index: 0 }], 128, 'op')];
    void st.open();

    st.receiveControl(a, barrierElement(1, false));
    st.receiveBatch(a, new Batch(['x'], [1]));
    st.receiveControl(a, watermarkElement(10));
    st.receiveControl(a, END);
    st.receiveBatch(b, new Batch(['y'], [1]));
    st.receiveControl(b, watermarkElement(20));
    // Channel a is blocked: nothing of it reached the operator, and the watermark waits for a's.
    expect(log).toEqual(['op input1 batch y']);

    st.receiveControl(b, barrierElement(1, false));
    expect(log).toEqual(['op input1 batch y', 'out ch0 barrier 1', 'ack 1', 'op input0 batch x', 'out ch0 watermark 10', 'out ch0 watermark 20']);
  });
});
