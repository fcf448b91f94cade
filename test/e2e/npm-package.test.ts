// The published artifact, not the work tree: `npm pack`, then the tarball unpacked alone (no
// node_modules anywhere) signs, pushes, pulls and verifies for real; `npm install` of it adds one
// package; and an install straight from git, pinned to a commit, builds itself (`prepare`).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, runCli } from '../support/cli.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { REPO_ROOT, toolsFor } from '../support/tools.js';

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

let dir: string;
let tarball: string;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-pack-'));
  // --ignore-scripts: `npm test` has built dist/ already, and `prepare`'s rebuild would pull dist/
  // from under the other e2e files running the CLI at the same moment.
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], {
    cwd: REPO_ROOT,
  });
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(dir, info.filename);
  files = info.files.map((f) => f.path);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes of every file under a folder. */
function sizeOf(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += readFileSync(join(entry.parentPath, entry.name)).length;
  }
  return total;
}

it('the tarball holds only what runs: bin, the bundled dist/ without source maps, and no dependencies', () => {
  expect(files).toEqual(
    expect.arrayContaining(['bin/ghcr-blob.js', 'dist/cli.js', 'README.md', 'LICENSE', 'package.json']),
  );
  expect(files.filter((f) => /^(src|test|\.tools|scripts)\//.test(f))).toEqual([]);
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  // dist/ bundles every dependency: declaring them would make every install download them for nothing.
  expect(PACKAGE.dependencies ?? {}).toEqual({});
});

describe('unpacked alone, with no node_modules beside or above it', () => {
  let bin: string;
  let reg: Registry;
  let stack: SigstoreStack;
  const tools = toolsFor('sid');
  const env = () => ({ GHCR_BLOB_ORAS: tools.oras, GHCR_BLOB_COSIGN: tools.cosign, GHCR_TOKEN: reg.password });

  beforeAll(async () => {
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    await execa('tar', ['-xzf', tarball, '-C', unpacked]);
    bin = join(unpacked, 'package', 'bin', 'ghcr-blob.js');
    [reg, stack] = await Promise.all([startRegistry({ generation: 'sid' }), startSigstoreStack()]);
  }, 60_000);
  afterAll(async () => Promise.all([reg?.stop(), stack?.close()]));

  it('nothing to resolve a package from: no node_modules folder up to the root', () => {
    for (let at = dirname(bin); at !== dirname(at); at = dirname(at)) {
      expect(existsSync(join(at, 'node_modules')), at).toBe(false);
    }
  });

  it("the public-good trust starts from the TUF seeds inside the bundle (@sigstore/tuf's seeds.json)", async () => {
    // A proxy that is down stops the refresh; the seeded root was written before it was tried.
    const r = await runCli(['doctor', '--json', '--timeout', '10s'], {
      bin,
      env: { ...env(), HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' },
    });
    expect(r.exitCode, r.stderr).toBe(7);
    const trust = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'sigstore-trust');
    expect(trust).toMatchObject({ ok: false, code: 'REGISTRY_UNREACHABLE' });
    expect(trust.detail).not.toMatch(/cannot find|module/i);
    const seeded = readdirSync(r.home, { recursive: true, encoding: 'utf8' });
    expect(seeded).toEqual(expect.arrayContaining([expect.stringMatching(/tuf-repo-cdn\.sigstore\.dev\/root\.json$/)]));
  });

  it('pushes and signs, then pulls and verifies (the whole Sigstore stack loads from the bundle)', async () => {
    const { cwd } = freshCliDirs();
    writeFileSync(join(cwd, 'report.json'), '{"from":"the tarball"}\n');
    const ref = `${reg.host}/octo/tools/report.json:v1`;
    const trust = ['--signing-config', stack.signingConfigPath, '--trusted-root', stack.trustedRootPath];
    const token = await stack.mintToken({
      repository: 'octo/tools',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1',
    });
    const pushed = await runCli(
      ['push', ref, 'report.json', '-u', reg.username, '--sign', '--identity-token-stdin', ...trust],
      { bin, cwd, stdin: token, env: env() },
    );
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const pulled = await runCli(
      [
        'pull',
        ref,
        '-o',
        'in',
        '-u',
        reg.username,
        '--verify',
        '--trusted-root',
        stack.trustedRootPath,
        '--github-workflow',
        'octo/tools/.github/workflows/release.yml@refs/tags/v1',
      ],
      { bin, cwd, env: env() },
    );
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'in', 'report.json'), 'utf8')).toBe('{"from":"the tarball"}\n');
  }, 120_000);
});

it('npm install of the tarball adds ghcr-blob alone, of the size README states', async () => {
  const project = join(dir, 'project');
  mkdirSync(project);
  // Its own package.json, or npm would install into whichever parent folder has one.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
  const modules = join(project, 'node_modules');
  expect(readdirSync(modules).filter((n) => !n.startsWith('.'))).toEqual(['ghcr-blob']);
  const version = await execa(join(modules, '.bin', 'ghcr-blob'), ['--version']);
  // Installed from the tarball, not resolved from this repository.
  expect(version.stdout.trim()).toBe(PACKAGE.version);
  const help = await execa(join(modules, '.bin', 'ghcr-blob'), ['pull', '--help']);
  expect(help.stdout).toMatch(/--verify/);
  // README's "installs one package, N MB": within a tenth of what was measured.
  const stated = /one package of ([\d.]+) MB/.exec(README);
  expect(stated, 'README states the install size as "one package of N MB"').not.toBeNull();
  const measuredMb = sizeOf(join(modules, 'ghcr-blob')) / 1e6;
  expect(Math.abs(Number(stated![1]) - measuredMb) / measuredMb).toBeLessThan(0.1);
}, 120_000);

it('installs straight from git, pinned to a commit: npm builds it with `prepare`', async () => {
  // A repository holding this work tree's tracked files as one commit (uncommitted edits included).
  const repo = join(dir, 'repo');
  const tracked = (await execa('git', ['ls-files', '-z'], { cwd: REPO_ROOT })).stdout.split('\0').filter(Boolean);
  for (const path of tracked) {
    if (existsSync(join(REPO_ROOT, path))) cpSync(join(REPO_ROOT, path), join(repo, path));
  }
  const git = (...args: string[]) =>
    execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'snapshot');
  const sha = (await git('rev-parse', 'HEAD')).stdout.trim();
  expect(existsSync(join(repo, 'dist'))).toBe(false); // dist/ is built, never committed

  const project = join(dir, 'from-git');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `git+file://${repo}#${sha}`], {
    cwd: project,
  });
  const installed = join(project, 'node_modules', 'ghcr-blob');
  expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(PACKAGE.version);
  const version = await execa(join(project, 'node_modules', '.bin', 'ghcr-blob'), ['--version']);
  expect(version.stdout.trim()).toBe(PACKAGE.version);
  expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['ghcr-blob']);
}, 300_000);
