// The ratio table on stdout, and every raw number in a JSON file.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BenchConfig } from './config.js';
import type { MachineInfo } from './machine.js';
import { caseLabel, type CaseResult, type Samples } from './measure.js';
import { formatMB, formatMs, formatSpread, median, spread } from './stats.js';
import { checkTargets } from './targets.js';

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** `node -e 0` in this run: the start-up floor of any Node CLI. */
export function nodeFloorMs(results: readonly CaseResult[]): number {
  const startup = results.find((r) => r.bench.op === 'startup');
  return startup ? median(startup.raw.ms) : Number.NaN;
}

export function printReport(results: readonly CaseResult[], cfg: BenchConfig, machine: MachineInfo, seconds: number) {
  const floor = nodeFloorMs(results);
  const rows = results.map((r) => {
    const [g, w] = [median(r.ghcr.ms), median(r.raw.ms)];
    const checks = checkTargets(r, floor);
    return [
      caseLabel(r.bench),
      formatSpread(spread(r.ghcr.ms)),
      formatSpread(spread(r.raw.ms)),
      `${(g / w).toFixed(2)}×`,
      `${g >= w ? '+' : '−'}${formatMs(Math.abs(g - w))}`,
      `${formatMB(Math.max(...r.ghcr.rssBytes))} / ${formatMB(Math.max(...r.raw.rssBytes))}`,
      checks.map((c) => `${c.met ? 'met' : 'MISSED'} ${c.target}`).join('; ') || '–',
    ];
  });
  console.log();
  console.log(
    `ghcr-blob vs raw oras/cosign — median (min–max) of ${cfg.rounds} round(s), wall clock, same run, interleaved`,
  );
  console.log();
  printTable(
    [
      'case',
      'ghcr-blob',
      'raw',
      'ratio',
      'overhead',
      'peak tree RSS ghcr-blob / raw',
      'target (reported, never enforced)',
    ],
    rows,
  );
  console.log();
  // One line per kind of case: the sizes share their commands.
  const ops = new Map(results.map((r) => [r.bench.op, r.bench]));
  for (const [op, c] of ops)
    console.log(`  ${op.padEnd(14)} ${c.ghcr.describe}\n  ${''.padEnd(14)} vs ${c.raw.describe}`);
  console.log(
    '  Peak tree RSS: the largest sum of VmRSS over the process and all its descendants, sampled every 20 ms (max over rounds).',
  );
  console.log(
    `  ${machine.cpuCount} CPUs (${machine.cpuModel}), ${machine.os}, Node ${machine.node}; ${machine.generation} tools: ` +
      `oras ${machine.oras.version}, ${machine.cosign.version}; ${seconds.toFixed(0)} s in all, ` +
      `1-min load average ${machine.loadAverage1m.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end.`,
  );
}

const tenth = (x: number): number => Math.round(x * 10) / 10;

const sideJson = (describe: string, s: Samples) => ({
  describe,
  /** One per round, in order. */
  ms: s.ms.map(tenth),
  ...Object.fromEntries(Object.entries(spread(s.ms)).map(([k, v]) => [k, tenth(v)])),
  peakTreeRssBytes: s.rssBytes,
  maxPeakTreeRssBytes: Math.max(...s.rssBytes),
});

export function writeJson(
  path: string,
  results: readonly CaseResult[],
  cfg: BenchConfig,
  machine: MachineInfo,
  seconds: number,
) {
  const floor = nodeFloorMs(results);
  const json = {
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds),
    config: {
      preset: cfg.preset,
      rounds: cfg.rounds,
      sizes: cfg.sizes,
      profiles: cfg.profiles,
      generation: cfg.generation,
      order:
        'one untimed warm-up round of the smallest size; then ghcr-blob first in rounds 1, 3, 5…, raw first in 2, 4…',
    },
    machine: { ...machine, loadAverage1mAtEnd: loadavg()[0] ?? 0 },
    nodeFloorMs: tenth(floor),
    cases: results.map((r) => ({
      case: caseLabel(r.bench),
      op: r.bench.op,
      sizeBytes: r.bench.size?.bytes ?? null,
      profile: r.bench.profile
        ? { name: r.bench.profile.name, rttMs: r.bench.profile.rttMs, auth: r.bench.profile.auth }
        : null,
      ghcrBlob: sideJson(r.bench.ghcr.describe, r.ghcr),
      raw: sideJson(r.bench.raw.describe, r.raw),
      ratio: Math.round((median(r.ghcr.ms) / median(r.raw.ms)) * 1000) / 1000,
      overheadMs: tenth(median(r.ghcr.ms) - median(r.raw.ms)),
      targets: checkTargets(r, floor),
    })),
  };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}
