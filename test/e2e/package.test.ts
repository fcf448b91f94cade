// The published artifact, not the work tree: `npm pack`, install the tarball into an empty
// project, and run the installed bin.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it, onTestFinished } from 'vitest';
import { REPO_ROOT } from '../support/tools.js';

it('npm pack produces a tarball that installs and runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ghcr-blob-pack-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: `npm test` has built dist/ already, and prepack's rebuild would pull dist/
  // from under the other e2e files running the CLI at the same moment.
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], {
    cwd: REPO_ROOT,
  });
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining(['bin/ghcr-blob.js', 'dist/cli.js', 'README.md', 'LICENSE', 'package.json']),
  );
  expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('.tools/'))).toEqual([]);

  const project = join(dir, 'project');
  mkdirSync(project);
  // Its own package.json, or npm would install into whichever parent folder has one.
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, info.filename)], {
    cwd: project,
  });
  const bin = join(project, 'node_modules', '.bin', 'ghcr-blob');
  const version = await execa(bin, ['--version']);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const help = await execa(bin, ['pull', '--help']);
  expect(help.stdout).toMatch(/Examples:/);
  expect(help.stdout).toMatch(/--verify/);
  expect(readdirSync(join(project, 'node_modules'))).toContain('ghcr-blob');
  // Installed from the tarball, not resolved from this repository.
  expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
}, 180_000);
