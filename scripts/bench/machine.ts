// What the numbers were measured on, for the JSON and the table's footer: a ratio means little
// without the machine, the Node version and the exact oras/cosign builds behind it.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/support/tools.js';
import type { Sandbox } from '../lib/sandbox.js';

export interface MachineInfo {
  cpuCount: number;
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
  loadAverage1m: number;
  generation: string;
  oras: { path: string; version: string };
  cosign: { path: string; version: string };
  registry: { path: string; version: string };
}

/** Debian builds of cosign print `GitVersion: devel`; the .deb that install-tools unpacked names the version. */
function debianVersion(generation: string, pkg: string): string | undefined {
  try {
    const debs = readdirSync(join(REPO_ROOT, '.tools', '.apt', generation, 'debs'));
    return debs.find((d) => d.startsWith(`${pkg}_`))?.split('_')[1];
  } catch {
    return undefined;
  }
}

function firstLine(command: string, args: string[], pattern: RegExp): string | undefined {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    return pattern.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

export function machineInfo(sb: Sandbox): MachineInfo {
  const { tools, generation } = sb;
  const oras = firstLine(tools.oras, ['version'], /^Version:\s*(\S+)/m);
  const deb = (pkg: string) => debianVersion(generation, pkg);
  const label = (found: string | undefined, pkg: string) =>
    [found, deb(pkg) && `(Debian ${generation} ${pkg} ${deb(pkg)})`].filter(Boolean).join(' ') || 'unknown';
  return {
    cpuCount: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage1m: loadavg()[0] ?? 0,
    generation,
    oras: { path: tools.oras, version: label(oras, 'oras') },
    cosign: { path: tools.cosign, version: label(`cosign ${sb.cosignGeneration}.x`, 'cosign') },
    registry: {
      path: tools.registry,
      version: label(firstLine(tools.registry, ['--version'], /distribution\s+(\S+)/), 'docker-registry'),
    },
  };
}
