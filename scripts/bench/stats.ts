// Summaries of a handful of runs. Medians rather than means: one run disturbed by the machine
// (a page-cache flush, another job) must not move the headline; min and max show the spread.

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export const formatMs = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);

/** Memory in MB (10^6 bytes), the unit the targets are stated in. */
export const formatMB = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;

export const formatSpread = (s: Spread): string => `${formatMs(s.median)} (${formatMs(s.min)}–${formatMs(s.max)})`;
