// `npm run bench`: what does ghcr-blob cost on top of the tools it wraps?
//
// Every operation is timed twice in the SAME run, against the same local registry and Sigstore
// stack: once through the built CLI (bin/ghcr-blob.js, a Node process that then runs oras/cosign)
// and once as the raw oras/cosign command a user would otherwise type. The two are interleaved
// run by run (and their order alternates) so a machine that gets busier halfway through slows
// both alike. It prints medians, minimums and the ratio ghcr-blob / raw; it never asserts a
// timing — shared CI machines are far too noisy for that.
//
//   npm run bench                                   # 1 KiB and 256 MiB, trixie and sid, 3 runs
//   npm run bench -- --runs 5 --sizes 1KiB,64MiB,1GiB --generation sid --ops push,pull
//
// Peak RSS is that of the ghcr-blob Node process alone (not oras/cosign): a tiny preload reports
// process.resourceUsage().maxRSS on exit over an extra pipe (fd 3), so nothing is guessed.
import { spawn } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  symlinkSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startRegistry, type Registry } from '../test/support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../test/support/sigstore/index.js';
import {
  cosignGeneration,
  signBlobArgs,
  verifyBlobArgs,
  type CosignGeneration,
} from '../test/support/sigstore/cosign-cli.js';
import { onProcessDeath } from '../test/support/on-death.js';
import { GENERATIONS, REPO_ROOT, toolsFor, type Generation, type Tools } from '../test/support/tools.js';
import { parseFlags, runScript, UsageError } from './lib/cli-script.js';

/** Set by snapshotCli(): the bench runs a private copy of the built CLI. */
let CLI_BIN = join(REPO_ROOT, 'bin', 'ghcr-blob.js');

/**
 * Copies bin/, dist/ and package.json into `dir` (node_modules linked, not copied) and runs that:
 * `npm test` or a build elsewhere rebuilds dist/ with `clean: true`, and a bench minutes long
 * must not find its CLI gone halfway through.
 */
function snapshotCli(dir: string): void {
  mkdirSync(dir);
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  CLI_BIN = join(dir, 'bin', 'ghcr-blob.js');
}
const CLAIMS = { repository: 'octo/tools', workflowPath: '.github/workflows/release.yml', ref: 'refs/heads/main' };
const GITHUB_WORKFLOW = `${CLAIMS.repository}/${CLAIMS.workflowPath}@${CLAIMS.ref}`;

/**
 * `verify` is ghcr-blob's default (cosign AND the in-process verifier must both accept);
 * `verify-inproc` is `--engine sigstore`, which shows how much of verify's cost is cosign.
 */
const OPS = ['push', 'pull', 'sign', 'verify', 'verify-inproc'] as const;
type Op = (typeof OPS)[number];

// ── options ──────────────────────────────────────────────────────────────────────────────────

interface Size {
  label: string;
  bytes: number;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

function parseSize(text: string): Size {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0)
    throw new UsageError(`bad size ${JSON.stringify(text)} (examples: 1KiB, 256MiB, 1GiB)`);
  return { label: formatBytes(Number(m[1]) * unit), bytes: Number(m[1]) * unit };
}

function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} B`;
}

interface Config {
  sizes: Size[];
  runs: number;
  generations: Generation[];
  ops: Op[];
}

function parseConfig(): Config {
  const { values } = parseFlags({
    options: {
      sizes: { type: 'string', default: '1KiB,256MiB' },
      runs: { type: 'string', default: '3' },
      generation: { type: 'string', default: 'both' },
      ops: { type: 'string', default: OPS.join(',') },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError('--runs must be a positive integer');
  const generations = values.generation === 'both' ? [...GENERATIONS] : [values.generation as Generation];
  if (!generations.every((g) => GENERATIONS.includes(g)))
    throw new UsageError(`--generation must be both, ${GENERATIONS.join(' or ')}`);
  const ops = values.ops.split(',').map((o) => o.trim()) as Op[];
  if (!ops.every((o) => OPS.includes(o))) throw new UsageError(`--ops takes a list of ${OPS.join(', ')}`);
  const sizes = values.sizes
    .split(',')
    .map(parseSize)
    .sort((a, b) => a.bytes - b.bytes);
  return { sizes, runs, generations, ops };
}

// ── running one command ──────────────────────────────────────────────────────────────────────

interface Timed {
  ms: number;
  /** Peak RSS of the ghcr-blob Node process in bytes (undefined for raw tools). */
  rssBytes?: number;
}

interface Invocation {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin?: string;
  /** Collect the RSS report the preload writes to fd 3. */
  rss?: boolean;
}

/** Secrets to scrub from any error text this script prints. */
const secrets: string[] = [];
const redact = (text: string): string => secrets.reduce((t, s) => t.split(s).join('<redacted>'), text);

/** Wall-clock time from spawn to exit, as a user (or a CI step) would experience it. */
function timed(inv: Invocation): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(inv.command, inv.args, {
      cwd: inv.cwd,
      env: inv.env,
      stdio: ['pipe', 'pipe', 'pipe', ...(inv.rss ? (['pipe'] as const) : [])],
    });
    // Output is drained (a full pipe would stall the child) but only kept for error messages.
    let output = '';
    let rss = '';
    const keep = (d: Buffer): void => void (output.length < 64_000 && (output += d.toString('utf8')));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    (child.stdio[3] as NodeJS.ReadableStream | undefined)?.on('data', (d: Buffer) => (rss += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      if (code !== 0) {
        const shown = [basename(inv.command), ...inv.args].join(' ');
        reject(new Error(redact(`${shown}\n  exited ${code ?? signal}:\n${output.trim()}`)));
        return;
      }
      const kib = Number(rss.trim());
      resolve({ ms, ...(rss && Number.isFinite(kib) ? { rssBytes: kib * 1024 } : {}) });
    });
    child.stdin?.on('error', () => {}); // a tool that never reads stdin may close it first
    child.stdin?.end(inv.stdin ?? '');
  });
}

// ── one generation's world: registry, tools, token, the two ways to run each op ─────────────

interface Side {
  /** Timed invocation for run number `run`; may prepare (untimed) state first. */
  prepare(run: number): Invocation;
  /** Untimed clean-up after a run (e.g. delete the 256 MiB a pull wrote). */
  after?(run: number): void;
}

interface World {
  gen: Generation;
  tools: Tools;
  cosignGen: CosignGeneration;
  registry: Registry;
  stack: SigstoreStack;
  work: string;
  /** Sealed environment: nothing from the developer's shell (tokens, docker config) leaks in. */
  baseEnv: NodeJS.ProcessEnv;
  cliEnv: NodeJS.ProcessEnv;
  identityToken: string;
  identityTokenFile: string;
}

let unique = 0;
const fresh = (world: World, kind: string): string => join(world.work, `${kind}-${++unique}`);

function ghcrBlob(world: World, args: string[], stdin?: string): Invocation {
  return { command: process.execPath, args: [CLI_BIN, ...args], cwd: world.work, env: world.cliEnv, stdin, rss: true };
}

/** The two sides of one op for one file. `state` carries what later ops need (a pushed ref, a bundle). */
function sides(
  world: World,
  op: Op,
  file: string,
  state: { ref?: string; bundle?: string },
): { ghcr: Side; raw: Side } {
  const { registry, stack, tools } = world;
  const password = `${registry.password}\n`;
  const repoFor = (who: string) => `${registry.host}/bench/${world.gen}-${who}-${++unique}/${basename(file)}:v1`;
  switch (op) {
    case 'push':
      // A new repository per run: otherwise oras finds the blob already there and skips the
      // upload, and every run after the first would time a HEAD request instead of a push.
      return {
        ghcr: {
          prepare: () => {
            const ref = repoFor('ghcr');
            state.ref ??= ref; // the first pushed artifact is what the pulls fetch
            return ghcrBlob(world, ['push', ref, file, '-u', registry.username, '--password-stdin'], password);
          },
        },
        raw: {
          // What the README's "usual recipe" does, minus `oras login`: cwd = the file's folder so
          // the layer title is the bare file name, as ghcr-blob makes it.
          prepare: () => ({
            command: tools.oras,
            args: ['push', repoFor('raw'), basename(file), '-u', registry.username, '--password-stdin'],
            cwd: dirname(file),
            env: world.baseEnv,
            stdin: password,
          }),
        },
      };
    case 'pull': {
      const ref = need(state.ref, 'pull needs push');
      const outs = new Map<number, string>();
      const out = (run: number, who: string): string => {
        const dir = fresh(world, `pull-${who}`);
        outs.set(run, dir);
        return dir;
      };
      const after = (run: number) => rmSync(need(outs.get(run), 'out'), { recursive: true, force: true });
      return {
        ghcr: {
          prepare: (run) =>
            ghcrBlob(
              world,
              ['pull', ref, '-o', out(run, 'ghcr'), '-u', registry.username, '--password-stdin'],
              password,
            ),
          after,
        },
        raw: {
          prepare: (run) => ({
            command: tools.oras,
            args: ['pull', ref, '-o', out(run, 'raw'), '-u', registry.username, '--password-stdin'],
            cwd: world.work,
            env: world.baseEnv,
            stdin: password,
          }),
          after,
        },
      };
    }
    case 'sign':
      return {
        ghcr: {
          prepare: () => {
            const bundle = `${fresh(world, 'ghcr')}.sigstore.json`;
            state.bundle ??= bundle; // the first bundle is what the verifies check
            return ghcrBlob(
              world,
              [
                'sign',
                file,
                '--bundle',
                bundle,
                '--identity-token-stdin',
                '--signing-config',
                stack.signingConfigPath,
                '--trusted-root',
                stack.trustedRootPath,
              ],
              world.identityToken,
            );
          },
        },
        raw: {
          // cosign takes the token as a file path here (a ~1 KiB JWT is too long for its argv
          // heuristic); cosign 2 also needs the stack's keys in SIGSTORE_* variables.
          prepare: () => ({
            command: tools.cosign,
            args: signBlobArgs(world.cosignGen, stack, {
              file,
              bundle: `${fresh(world, 'raw')}.sigstore.json`,
              tokenPath: world.identityTokenFile,
            }),
            cwd: world.work,
            env: { ...world.baseEnv, ...(world.cosignGen === 2 ? stack.cosign2Env : {}) },
          }),
        },
      };
    case 'verify':
    case 'verify-inproc': {
      const bundle = need(state.bundle, 'verify needs sign');
      const engine = op === 'verify-inproc' ? ['--engine', 'sigstore'] : [];
      return {
        ghcr: {
          prepare: () =>
            ghcrBlob(world, [
              'verify',
              file,
              '--bundle',
              bundle,
              '--github-workflow',
              GITHUB_WORKFLOW,
              '--trusted-root',
              stack.trustedRootPath,
              ...engine,
            ]),
        },
        raw: {
          prepare: () => ({
            command: tools.cosign,
            args: verifyBlobArgs(world.cosignGen, {
              file,
              bundle,
              trustedRoot: stack.trustedRootPath,
              identity: stack.identityFor(CLAIMS),
              issuer: stack.issuer,
            }),
            cwd: world.work,
            env: world.baseEnv,
          }),
        },
      };
    }
  }
}

function need<T>(value: T | undefined, why: string): T {
  if (value === undefined) throw new Error(`internal: ${why}`);
  return value;
}

// ── statistics and the table ─────────────────────────────────────────────────────────────────

interface Cell {
  gen: Generation;
  op: Op;
  size: Size;
  ghcr: number[];
  raw: number[];
  rss: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const min = (xs: number[]): number => Math.min(...xs);
const ms = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)} MiB`;

function printTable(header: string[], rows: string[][], rightAligned: Set<number>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function report(
  cells: Cell[],
  startup: { cli: number[]; node: number[]; rss: number[] },
  cfg: Config,
  seconds: number,
  loadAtStart: number,
): void {
  console.log();
  console.log(
    `ghcr-blob vs raw oras/cosign — median (min) of ${cfg.runs} run(s) each, wall clock, same machine, same run`,
  );
  console.log();
  const rows = cells.map((c) => {
    const g = median(c.ghcr);
    const r = median(c.raw);
    return [
      c.gen,
      c.op,
      c.size.label,
      `${ms(g)} (${ms(min(c.ghcr))})`,
      `${ms(r)} (${ms(min(c.raw))})`,
      `${(g / r).toFixed(2)}×`,
      `${g - r >= 0 ? '+' : '−'}${ms(Math.abs(g - r))}`,
      c.rss.length ? mib(Math.max(...c.rss)) : '–',
    ];
  });
  printTable(
    ['tools', 'op', 'size', 'ghcr-blob', 'raw', 'ratio', 'overhead', 'ghcr-blob RSS'],
    rows,
    new Set([2, 3, 4, 5, 6, 7]),
  );
  console.log();
  console.log(
    `startup  ghcr-blob --version: ${ms(median(startup.cli))} (${ms(min(startup.cli))}), RSS ${mib(Math.max(...startup.rss))}` +
      `   node -e '' (the floor for any Node CLI): ${ms(median(startup.node))} (${ms(min(startup.node))})`,
  );
  console.log();
  console.log(
    "raw      push/pull: oras … -u USER --password-stdin (push from the file's folder); sign: cosign sign-blob with the",
  );
  console.log(
    '         same local Sigstore; verify: cosign verify-blob --certificate-identity … --certificate-oidc-issuer … --trusted-root.',
  );
  console.log(
    'ghcr-blob verify runs cosign AND the in-process verifier; verify-inproc is --engine sigstore (in-process only).',
  );
  console.log("RSS is the ghcr-blob Node process's own peak (max over runs), excluding the oras/cosign it runs.");
  // A busy machine inflates Node's module loading far more than the small Go binaries' startup,
  // so the ratios are only comparable between runs at a similar load.
  console.log(
    `${cells.length} cells in ${seconds.toFixed(0)} s on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, Node ${process.version}; ` +
      `1-min load average ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end.`,
  );
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────

/** Random bytes (not zeros) so nothing along the way can get away with compressing them. */
function writeSample(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = randomBytes(Math.min(bytes, 1024 ** 2));
    for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

const progress = (text: string): void => void process.stderr.write(text);

async function measureStartup(
  env: NodeJS.ProcessEnv,
  cwd: string,
  runs: number,
): Promise<{ cli: number[]; node: number[]; rss: number[] }> {
  const out = { cli: [] as number[], node: [] as number[], rss: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const cli = await timed({ command: process.execPath, args: [CLI_BIN, '--version'], cwd, env, rss: true });
    out.cli.push(cli.ms);
    if (cli.rssBytes) out.rss.push(cli.rssBytes);
    out.node.push((await timed({ command: process.execPath, args: ['-e', ''], cwd, env })).ms);
  }
  return out;
}

async function benchGeneration(
  gen: Generation,
  cfg: Config,
  stack: SigstoreStack,
  root: string,
  files: Map<Size, string>,
  undo: (() => unknown)[],
  cells: Cell[],
): Promise<void> {
  const tools = toolsFor(gen);
  const [registry, cosignGen] = await Promise.all([startRegistry({ generation: gen }), cosignGeneration(tools.cosign)]);
  undo.push(() => registry.stop());
  secrets.push(registry.password);

  const work = join(root, gen);
  const home = join(work, 'home');
  mkdirSync(join(home, '.docker'), { recursive: true });
  // One token for the whole generation: an hour is longer than any bench, and minting is not
  // what is being measured.
  const identityToken = await stack.mintToken({ ...CLAIMS, expiresInSeconds: 3600 });
  secrets.push(identityToken);
  const identityTokenFile = join(work, 'identity-token');
  writeFileSync(identityTokenFile, identityToken, { mode: 0o600 });

  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: join(home, '.docker') };
  const world: World = {
    gen,
    tools,
    cosignGen,
    registry,
    stack,
    work,
    baseEnv,
    identityToken,
    identityTokenFile,
    cliEnv: {
      ...baseEnv,
      GHCR_BLOB_ORAS: tools.oras,
      GHCR_BLOB_COSIGN: tools.cosign,
      NODE_OPTIONS: `--require=${join(root, 'rss-preload.cjs')}`,
    },
  };
  progress(`\n${gen}: oras + cosign ${cosignGen} from .tools/${gen}, registry ${registry.host}\n`);

  // Ops run in order (push before pull, sign before verify) because later ones use what earlier
  // ones produced; each op still runs on its own, for a whole cell at a time.
  const allOps = (ops: readonly Op[]) =>
    OPS.filter(
      (op) =>
        ops.includes(op) ||
        (op === 'push' && ops.includes('pull')) ||
        (op === 'sign' && ops.some((o) => o.startsWith('verify'))),
    );
  for (const [i, size] of cfg.sizes.entries()) {
    const file = need(files.get(size), 'sample');
    const state: { ref?: string; bundle?: string } = {};
    // Before the smallest size: one untimed round of everything, to load each binary (and
    // Node's module graph) into the page cache so run 1 is not penalised for being first.
    const rounds = i === 0 ? [{ warmup: true }, { warmup: false }] : [{ warmup: false }];
    for (const { warmup } of rounds) {
      for (const op of allOps(cfg.ops)) {
        const { ghcr, raw } = sides(world, op, file, state);
        const timedHere = !warmup && cfg.ops.includes(op);
        const cell: Cell = { gen, op, size, ghcr: [], raw: [], rss: [] };
        const runs = timedHere ? cfg.runs : 1;
        progress(`  ${warmup ? 'warm-up ' : ''}${op} ${size.label}: `);
        for (let run = 0; run < runs; run++) {
          // Alternate who goes first, so neither side always gets the warmer caches.
          const order =
            run % 2 === 0
              ? ([
                  ['ghcr', ghcr],
                  ['raw', raw],
                ] as const)
              : ([
                  ['raw', raw],
                  ['ghcr', ghcr],
                ] as const);
          for (const [who, side] of order) {
            const t = await timed(side.prepare(run));
            side.after?.(run);
            if (who === 'ghcr') {
              cell.ghcr.push(t.ms);
              if (t.rssBytes) cell.rss.push(t.rssBytes);
            } else {
              cell.raw.push(t.ms);
            }
          }
          progress(`${ms(cell.ghcr.at(-1) ?? NaN)}/${ms(cell.raw.at(-1) ?? NaN)} `);
        }
        progress('\n');
        if (timedHere) cells.push(cell);
      }
    }
  }
}

async function main(): Promise<number> {
  const cfg = parseConfig();
  const started = performance.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const undo: (() => unknown)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of undo.splice(0).reverse())
      await Promise.resolve()
        .then(fn)
        .catch(() => {});
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => void cleanup().finally(() => process.exit(130)));

  try {
    const root = mkdtempSync(join(tmpdir(), 'ghcr-blob-bench-'));
    const deathHook = onProcessDeath('rm -rf "$1"', [root]); // even if we are SIGKILLed
    undo.push(() => {
      deathHook.cancel();
      rmSync(root, { recursive: true, force: true });
    });
    // exit, not beforeExit: the CLI sets process.exitCode and lets the loop drain.
    writeFileSync(
      join(root, 'rss-preload.cjs'),
      "process.on('exit', () => { try { require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n",
    );

    snapshotCli(join(root, 'cli'));
    const stack = await startSigstoreStack();
    undo.push(() => stack.close());

    progress(
      `ghcr-blob bench: sizes ${cfg.sizes.map((s) => s.label).join(', ')}; ${cfg.runs} run(s); ${cfg.generations.join(' + ')}; ops ${cfg.ops.join(', ')}\n`,
    );
    progress('progress shows ghcr-blob/raw per run\n');
    const files = new Map<Size, string>();
    for (const size of cfg.sizes) {
      const dir = join(root, 'samples', size.label.replace(' ', ''));
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'sample.bin');
      writeSample(path, size.bytes);
      files.set(size, path);
    }

    const startupEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: root,
      NODE_OPTIONS: `--require=${join(root, 'rss-preload.cjs')}`,
    };
    const startup = await measureStartup(startupEnv, root, Math.max(5, cfg.runs * 2));

    const cells: Cell[] = [];
    for (const gen of cfg.generations) await benchGeneration(gen, cfg, stack, root, files, undo, cells);

    report(cells, startup, cfg, (performance.now() - started) / 1000, loadAtStart);
    return 0;
  } finally {
    await cleanup();
  }
}

runScript('bench', main, redact);
