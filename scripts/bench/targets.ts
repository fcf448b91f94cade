// The goals ghcr-blob is measured against. Reported next to the numbers, never enforced: a
// shared machine is too noisy for a timing to fail a build.
import type { CaseResult } from './measure.js';
import { formatMB, formatMs, median } from './stats.js';

export interface TargetCheck {
  target: string;
  met: boolean;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** Stated in MB (10^6 bytes). */
const TREE_RSS_LIMIT_BYTES = 150e6;

/**
 * `nodeFloorMs` is the median of `node -e 0` in the same run: what any Node CLI pays to start,
 * which ghcr-blob cannot avoid and the Go tools do not pay.
 */
export function checkTargets(r: CaseResult, nodeFloorMs: number): TargetCheck[] {
  const ghcr = median(r.ghcr.ms);
  const raw = median(r.raw.ms);
  const ratio = ghcr / raw;
  const checks: TargetCheck[] = [];
  const { op, size, profile } = r.bench;
  const bytes = size?.bytes;
  const byRatio = (limit: number): void =>
    void checks.push({ target: `≤ ${limit.toFixed(2)}× raw`, met: ratio <= limit });
  const byMs = (limit: number, how: string): void =>
    void checks.push({ target: `≤ ${formatMs(limit)} (${how})`, met: ghcr <= limit });
  const byRss = (): void => {
    const peak = Math.max(...r.ghcr.rssBytes);
    checks.push({ target: `tree RSS ≤ ${formatMB(TREE_RSS_LIMIT_BYTES)}`, met: peak <= TREE_RSS_LIMIT_BYTES });
  };
  const remote = (profile?.rttMs ?? 0) > 0;

  if (op === 'startup') byMs(nodeFloorMs + 30, 'node -e 0 + 30 ms');
  else if (bytes === 1024 && remote) {
    // Across a network the round trips count, not Node's start: fewer serial steps than the recipe.
    if (op === 'pull') byRatio(1.5);
    if (op === 'pull --verify') byRatio(1.0);
  } else if (bytes === 1024 && !remote) byMs(raw + nodeFloorMs + 80, 'raw + node -e 0 + 80 ms');
  else if (bytes === 512 * MiB && !remote) {
    if (op === 'push' || op === 'pull') byRatio(1.05);
    if (op === 'pull --verify') {
      byRatio(0.95);
      byRss();
    }
    if (op === 'verify') byRatio(1.0);
  }
  if (bytes === GiB) byRss();
  return checks;
}
