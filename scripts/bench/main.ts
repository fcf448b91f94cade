// `npm run bench`: what does ghcr-blob cost on top of the oras and cosign it wraps?
//
// Each case is timed both ways in the SAME run, against the same local registry and Sigstore
// stack: through the built CLI (bin/ghcr-blob.js, a Node process that runs oras/cosign) and as
// the raw command(s) a user would otherwise type. Registry cases run in each profile: loopback or
// 40 ms away (a latency proxy), Basic or token auth (a GHCR-like registry); see profiles.ts. It prints medians, spreads and ratios with the
// targets beside them, and writes every number to JSON. Targets are reported, never enforced:
// the exit status is 0 when everything could be measured, 1 when a command failed, 2 for a bad flag.
//
//   npm run bench                        # 1 KiB, 512 MiB; every profile; 3 rounds; sid tools
//   npm run bench -- --quick             # 1 KiB; loopback/basic and 40ms/token; 2 rounds (CI smoke run)
//   npm run bench -- --full              # adds 64 MiB and 1 GiB (3 rounds)
//   npm run bench -- --generation trixie --rounds 5 --sizes 1KiB,256MiB --profiles 40ms/token --out /tmp/b.json
import { resolve } from 'node:path';
import { runScript } from '../lib/cli-script.js';
import { withSandbox } from '../lib/sandbox.js';
import { registryCases, startupCase, verifyCase } from './cases.js';
import { parseConfig } from './config.js';
import { machineInfo } from './machine.js';
import { measure } from './measure.js';
import { printReport, writeJson } from './report.js';
import { openProfiles } from './profiles.js';
import { prepareSample, publishSample } from './sample.js';

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
    const profiles = await openProfiles(sb, cfg.profiles);
    process.stderr.write(`profiles: ${profiles.map((p) => `${p.name} (${p.registry.host})`).join(', ')}\n`);
    const cases = [];
    let warmUp;
    const startup = startupCase(sb);
    for (const size of cfg.sizes) {
      process.stderr.write(`preparing ${size.label}: random file, cosign bundle, ghcr-blob push --sign per profile\n`);
      const sample = await prepareSample(sb, size);
      const perProfile = [];
      for (const profile of profiles) perProfile.push(...registryCases(sb, await publishSample(sb, profile, sample)));
      const verify = verifyCase(sb, sample);
      cases.push(verify, ...perProfile);
      warmUp ??= [startup, verify, ...perProfile];
    }
    const results = await measure(sb, [startup, ...cases], cfg.rounds, warmUp ?? [startup]);
    const seconds = (performance.now() - started) / 1000;
    printReport(results, cfg, machine, seconds);
    writeJson(out, results, cfg, machine, seconds);
    console.log(`  Raw numbers: ${out}`);
    return 0;
  });
}

runScript('bench', main);
