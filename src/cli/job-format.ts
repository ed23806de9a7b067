/** Formatting shared by the CLI's progress line and summary. */

/** `1234567` -> `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate, compact: `950/s`, `12.3K/s`, `1.25M/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M/s`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}K/s`;
  return `${Math.round(perSecond)}/s`;
}

/** Elapsed time: `850 ms`, `4.21 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A watermark as ISO time; the two ends of event time get words, not dates. */
export function formatWatermark(w: number): string {
  if (w === -Infinity) return 'none yet';
  if (w === Infinity) return 'end of input';
  const d = new Date(w);
  return Number.isNaN(d.getTime()) ? String(w) : d.toISOString();
}

/** How far behind something is: `850 ms`, `4.21 s`, `3 min 05 s`, `5.2 h`, `1,034 days` (event time from a replayed past). */
export function formatLag(ms: number): string {
  if (ms < 3_600_000) return formatDuration(ms);
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${formatCount(ms / 86_400_000)} days`;
}
