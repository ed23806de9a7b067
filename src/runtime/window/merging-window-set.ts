import type { MapState } from '../../core/state.js';
import type { WindowAssigner } from '../../core/window/window-assigner.js';
import { windowFromNamespace, windowNamespace, type Window } from '../../core/window/window.js';

/** Called when windows merge: `stateWindow` keeps the contents, those of `mergedStateWindows` fold into it. */
export type MergeCallback = (mergeResult: Window, mergedWindows: Window[], stateWindow: string, mergedStateWindows: string[]) => void;

/**
 * The session windows of the current key, kept in keyed state, as Flink's `MergingWindowSet`. Each
 * window maps to the window whose namespace holds its contents: when windows merge, the result
 * takes over one of their state windows, so contents are folded without being moved twice.
 */
export class MergingWindowSet {
  constructor(
    /** window namespace -> state window namespace */
    private readonly mapping: MapState<string, string>,
    private readonly assigner: WindowAssigner<unknown, Window>,
  ) {}

  /** Namespace holding the contents of `window`, or undefined when it was merged away. */
  stateWindow(window: string): string | undefined {
    return this.mapping.get(window);
  }

  retireWindow(window: string): void {
    this.mapping.remove(window);
  }

  /**
   * Adds a new window, merging it with the existing ones that overlap; returns the window the new
   * one ended up in. `onMerge` runs for every merge that folds existing windows together.
   */
  addWindow(newWindow: Window, onMerge: MergeCallback): Window {
    const windows: Window[] = [];
    for (const ns of this.mapping.keys()) windows.push(windowFromNamespace(ns));
    windows.push(newWindow);
    const merges: [Window, Window[]][] = [];
    this.assigner.mergeWindows!(windows, (toBeMerged, result) => merges.push([result, toBeMerged]));

    let result = newWindow;
    let mergedNew = false;
    for (const [mergeResult, group] of merges) {
      // The new window has no state of its own; only pre-existing windows are folded.
      const i = group.indexOf(newWindow);
      const existing = i >= 0 ? group.filter((_, j) => j !== i) : group;
      if (i >= 0) {
        mergedNew = true;
        result = mergeResult;
      }
      if (existing.length === 0) continue;
      const target = this.mapping.get(windowNamespace(existing[0]!))!;
      const mergedStateWindows: string[] = [];
      for (const w of existing) {
        const ns = windowNamespace(w);
        const sw = this.mapping.get(ns);
        this.mapping.remove(ns);
        if (sw !== undefined && sw !== target) mergedStateWindows.push(sw);
      }
      this.mapping.put(windowNamespace(mergeResult), target);
      const unchanged = existing.length === 1 && windowNamespace(existing[0]!) === windowNamespace(mergeResult);
      if (!unchanged) onMerge(mergeResult, existing, target, mergedStateWindows);
    }
    if (merges.length === 0 || (result === newWindow && !mergedNew)) this.mapping.put(windowNamespace(newWindow), windowNamespace(newWindow));
    return result;
  }
}
