/**
 * Fixed cost of every command, measured: `node -e 0`, `--version`, `--help`, `pull --help` and a
 * 1 KiB pull against a real loopback registry next to the same pull by raw oras. Every case runs
 * once per round, in a rotated order (interleaved, so a busy neighbour slows all cases alike);
 * medians and quartiles of wall time and of CPU time (children included; needs `perf`) are printed.
 *
 *   npm run startup [-- --runs 25 --gen trixie|sid --cli bin/ghcr-blob.js --cli /tmp/old/bin/ghcr-blob.js]
 *
 * Several --cli entries compare builds (e.g. a copy of the previous build) in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRegistry } from '../test/support/registry.js';
import { toolsFor, type Generation } from '../test/support/tools.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '25' },
    gen: { type: 'string', default: 'trixie' },
    cli: { type: 'string', multiple: true },
  },
});
const runs = Number(values.runs);
const clis = (values.cli ?? ['bin/ghcr-blob.js']).map((p) => resolve(p));
const tools = toolsFor(values.gen as Generation);

interface Case {
  name: string;
  file: string;
  args: string[];
  stdin?: string;
  after?: () => void;
}

interface Sample {
  wall: number;
  /** CPU time of the process and its children: steadier than wall time on a busy machine. */
  cpu: number;
}

/** Runs under `perf stat` for the CPU figures (task-clock, children included); it adds the same to every case. */
function timeOnce(c: Case, env: NodeJS.ProcessEnv, cwd: string, rusageFile: string): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '-o', rusageFile, c.file, ...c.args], {
    env,
    cwd,
    input: c.stdin ?? '',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
  const line = readFileSync(rusageFile, 'utf8').match(/^([\d.]+),msec,task-clock/m);
  if (!line) throw new Error(`perf stat printed no task-clock for ${c.name}`);
  c.after?.();
  return { wall, cpu: Number(line[1]) };
}

const quantile = (sorted: number[], q: number): number => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo]! + (sorted[Math.ceil(i)]! - sorted[lo]!) * (i - lo);
};

const registry = await startRegistry({ generation: values.gen as Generation });
const work = mkdtempSync(join(tmpdir(), 'ghcr-blob-startup-'));
try {
  const home = join(work, 'home');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    DOCKER_CONFIG: home,
    GHCR_BLOB_ORAS: tools.oras,
  };
  writeFileSync(join(work, 'one-kib.bin'), Buffer.alloc(1024, 7));
  writeFileSync(join(work, 'empty-config.json'), '{}');
  const ref = `${registry.host}/startup/one-kib.bin:v1`;
  const auth = ['-u', registry.username, '--password-stdin'];
  const stdin = `${registry.password}\n`;
  const push = spawnSync(
    tools.oras,
    ['push', '--registry-config', join(work, 'empty-config.json'), ...auth, ref, 'one-kib.bin'],
    { cwd: work, input: stdin, env },
  );
  if (push.status !== 0) throw new Error(`oras push failed: ${push.stderr}`);
  const out = join(work, 'out');
  const clean = () => rmSync(out, { recursive: true, force: true });

  const cases: Case[] = [{ name: 'node -e 0', file: process.execPath, args: ['-e', '0'] }];
  clis.forEach((cli, i) => {
    const tag = clis.length > 1 ? ` [${i}]` : '';
    const node = (args: string[], extra: Partial<Case> = {}): Case => ({
      name: `ghcr-blob ${args[0] === 'pull' && args.length > 2 ? 'pull 1 KiB' : args.join(' ')}${tag}`,
      file: process.execPath,
      args: [cli, ...args],
      ...extra,
    });
    cases.push(node(['--version']), node(['--help']), node(['pull', '--help']));
    cases.push(node(['pull', ref, '-o', out, ...auth], { stdin, after: clean }));
  });
  cases.push({
    name: 'raw oras pull 1 KiB',
    file: tools.oras,
    args: ['pull', '--format', 'json', '--registry-config', join(work, 'empty-config.json'), ...auth, '-o', out, ref],
    stdin,
    after: clean,
  });

  const rusage = join(work, 'rusage.txt');
  for (const c of cases) timeOnce(c, env, work, rusage); // warm the page cache; not counted
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(round + k) % cases.length]!;
      samples.get(c.name)!.push(timeOnce(c, env, work, rusage));
    }
  }

  const stats = (name: string, key: keyof Sample) => {
    const s = samples
      .get(name)!
      .map((x) => x[key])
      .sort((a, b) => a - b);
    return { med: quantile(s, 0.5), p25: quantile(s, 0.25), p75: quantile(s, 0.75) };
  };
  const base = { wall: stats('node -e 0', 'wall').med, cpu: stats('node -e 0', 'cpu').med };
  const cell = (n: number) => n.toFixed(0).padStart(5);
  const over = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(0)}`.padStart(6);
  console.log(`node ${process.version}, oras ${values.gen}, ${runs} interleaved rounds; milliseconds`);
  console.log(`${''.padEnd(30)}      wall (p25–p75)   over node    cpu (p25–p75)   over node`);
  for (const name of samples.keys()) {
    const w = stats(name, 'wall');
    const c = stats(name, 'cpu');
    console.log(
      `${name.padEnd(30)} ${cell(w.med)} (${cell(w.p25)}–${cell(w.p75)}) ${over(w.med - base.wall)}  ${cell(c.med)} (${cell(c.p25)}–${cell(c.p75)}) ${over(c.med - base.cpu)}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await registry.stop();
}
