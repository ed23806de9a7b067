import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaskTimes, enterTask, exitTask } from '../../src/runtime/task-times.js';

let now = 0;
afterEach(() => vi.restoreAllMocks());
const clock = () => vi.spyOn(performance, 'now').mockImplementation(() => now);

describe('TaskTimes', () => {
  it('counts a task busy without the tasks it calls', () => {
    clock();
    const source = new TaskTimes();
    const downstream = new TaskTimes();
    now = 100;
    enterTask(source);
    now = 110;
    enterTask(downstream);
    now = 140;
    exitTask(downstream);
    now = 145;
    exitTask(source);
    expect(source.busyMs).toBe(15);
    expect(downstream.busyMs).toBe(30);
  });

  it('counts waits once, including one still in progress', () => {
    clock();
    const t = new TaskTimes();
    t.startWaiting(10);
    t.startWaiting(20);
    expect(t.backPressuredNow(25)).toBe(15);
    t.stopWaiting(30);
    t.stopWaiting(40);
    expect(t.backPressuredMs).toBe(20);
    expect(t.backPressuredNow(100)).toBe(20);
  });
});
