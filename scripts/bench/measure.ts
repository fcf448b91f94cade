// The rounds. Every round runs every case once on each side, back to back, so a machine that
// gets busier halfway through slows both sides of every case alike; and the side that goes
// first alternates from round to round (A B, then B A), so neither always meets warmer caches.
// One untimed warm-up round first loads every binary and Node's module graph into the page cache.
import type { Sandbox } from '../lib/sandbox.js';
import type { Case } from './cases.js';
import { runSteps } from './run.js';
import { formatMs } from './stats.js';

export interface Samples {
  ms: number[];
  rssBytes: number[];
}

export interface CaseResult {
  bench: Case;
  ghcr: Samples;
  raw: Samples;
}

export const caseLabel = (c: Case): string =>
  [c.op, c.size?.label, c.profile && `· ${c.profile.name}`].filter(Boolean).join(' ');

const progress = (text: string): void => void process.stderr.write(text);

async function runSide(sb: Sandbox, side: Case['ghcr'], into?: Samples): Promise<number> {
  const run = side.prepare();
  try {
    const m = await runSteps(sb, run.steps);
    into?.ms.push(m.ms);
    into?.rssBytes.push(m.peakRssBytes);
    return m.ms;
  } finally {
    run.after?.();
  }
}

export async function measure(
  sb: Sandbox,
  cases: readonly Case[],
  rounds: number,
  warmUp: readonly Case[],
): Promise<CaseResult[]> {
  progress(`warm-up (untimed): ${warmUp.map(caseLabel).join(', ')}\n`);
  for (const c of warmUp) {
    await runSide(sb, c.ghcr);
    await runSide(sb, c.raw);
  }
  const results = cases.map((bench) => ({ bench, ghcr: { ms: [], rssBytes: [] }, raw: { ms: [], rssBytes: [] } }));
  for (let round = 0; round < rounds; round++) {
    progress(`round ${round + 1}/${rounds} (ghcr-blob / raw):`);
    for (const r of results) {
      const ghcrFirst = round % 2 === 0;
      const first = ghcrFirst ? await runSide(sb, r.bench.ghcr, r.ghcr) : await runSide(sb, r.bench.raw, r.raw);
      const second = ghcrFirst ? await runSide(sb, r.bench.raw, r.raw) : await runSide(sb, r.bench.ghcr, r.ghcr);
      const [g, w] = ghcrFirst ? [first, second] : [second, first];
      progress(`\n  ${caseLabel(r.bench).padEnd(40)} ${formatMs(g)} / ${formatMs(w)}`);
    }
    progress('\n');
  }
  return results;
}
