// `npm run bench`: what does ghcr-blob cost on top of the oras and cosign it wraps?
//
// Each case is timed both ways in the SAME run, against the same local registry and Sigstore
// stack: through the built CLI (bin/ghcr-blob.js, a Node process that runs oras/cosign) and as
// the raw command(s) a user would otherwise type. It prints medians, spreads and ratios with the
// targets beside them, and writes every number to JSON. Targets are reported, never enforced:
// the exit status is 0 when everything could be measured, 1 when a command failed, 2 for a bad flag.
//
//   npm run bench                        # 1 KiB, 64 MiB, 512 MiB; 5 rounds; sid tools
//   npm run bench -- --quick             # 1 KiB and 8 MiB, 2 rounds (CI smoke run)
//   npm run bench -- --full              # adds 1 GiB (3 rounds)
//   npm run bench -- --generation trixie --rounds 5 --sizes 1KiB,256MiB --out /tmp/bench.json
import { resolve } from 'node:path';
import { runScript } from '../lib/cli-script.js';
import { withSandbox } from '../lib/sandbox.js';
import { fileCases, startupCase } from './cases.js';
import { parseConfig } from './config.js';
import { machineInfo } from './machine.js';
import { measure } from './measure.js';
import { printReport, writeJson } from './report.js';
import { prepareSample } from './sample.js';

async function main(): Promise<number> {
  const cfg = parseConfig();
  const out = resolve(cfg.out);
  const started = performance.now();
  return withSandbox({ name: 'bench', generation: cfg.generation, snapshotCli: true }, async (sb) => {
    const machine = machineInfo(sb);
    process.stderr.write(
      `ghcr-blob bench (${cfg.preset}): ${cfg.sizes.map((s) => s.label).join(', ')}; ${cfg.rounds} round(s); ` +
        `${sb.generation} tools: oras ${machine.oras.version}, ${machine.cosign.version}; registry ${sb.registry.host}\n`,
    );
    const samples = [];
    for (const size of cfg.sizes) {
      process.stderr.write(`preparing ${size.label}: random file, cosign bundle, ghcr-blob push --sign\n`);
      samples.push(await prepareSample(sb, size));
    }
    const startup = startupCase(sb);
    const perSize = samples.map((s) => fileCases(sb, s));
    const results = await measure(sb, [startup, ...perSize.flat()], cfg.rounds, [startup, ...(perSize[0] ?? [])]);
    const seconds = (performance.now() - started) / 1000;
    printReport(results, cfg, machine, seconds);
    writeJson(out, results, cfg, machine, seconds);
    console.log(`  Raw numbers: ${out}`);
    return 0;
  });
}

runScript('bench', main);
