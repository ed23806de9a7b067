import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../src/runtime/failover/restart-policy.js';
import { parseRestartStrategy } from '../../src/graph/execution-options.js';

describe('restart strategies', () => {
  it('none gives up at once', () => {
    expect(new RestartPolicy({ type: 'none' }).onFailure(0)).toBeUndefined();
  });
  it('fixed-delay allows N attempts with the delay', () => {
    const p = new RestartPolicy(
      parseRestartStrategy(
        { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 2, 'restart-strategy.fixed-delay.delay': '3s' },
        false,
      ),
    );
    expect([p.onFailure(0), p.onFailure(1), p.onFailure(2)]).toEqual([3000, 3000, undefined]);
  });
  it('exponential-delay doubles up to the maximum and resets after a quiet period', () => {
    const p = new RestartPolicy(
      parseRestartStrategy(
        {
          'restart-strategy.type': 'exponential-delay',
          'restart-strategy.exponential-delay.initial-backoff': '1s',
          'restart-strategy.exponential-delay.max-backoff': '5s',
          'restart-strategy.exponential-delay.reset-backoff-threshold': '1 min',
        },
        false,
      ),
    );
    expect([p.onFailure(0), p.onFailure(10), p.onFailure(20), p.onFailure(30), p.onFailure(40)]).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(p.onFailure(40 + 60_000 + 5000)).toBe(1000);
  });
  it('failure-rate gives up when too many failures fall in the interval', () => {
    const p = new RestartPolicy({ type: 'failure-rate', maxFailures: 2, interval: 1000, delay: 10 });
    expect([p.onFailure(0), p.onFailure(100), p.onFailure(1500), p.onFailure(1600), p.onFailure(1700)]).toEqual([10, 10, 10, 10, undefined]);
  });
  it('defaults as Flink: no restarts without checkpointing, fixed-delay with it', () => {
    expect(parseRestartStrategy({}, false).type).toBe('none');
    expect(parseRestartStrategy({}, true)).toMatchObject({ type: 'fixed-delay', attempts: Infinity });
    expect(() => parseRestartStrategy({ 'restart-strategy.type': 'sometimes' }, true)).toThrow(/unknown strategy 'sometimes'/);
  });
});
