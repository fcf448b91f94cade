// The published artifact, not the work tree: `npm pack`, install the tarball into an empty
// project, and run the installed bin.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    expect.arrayContaining([
      'bin/ghcr-blob.js',
      'dist/cli.js',
      'README.md',
      'LICENSE',
      'package.json',
      'npm-shrinkwrap.json',
    ]),
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
  // The shrinkwrap pins the tree, but a consumer gets none of what only development needs.
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'npm-shrinkwrap.json'), 'utf8'));
  const entries = Object.entries(lock.packages as Record<string, { version?: string; dev?: boolean }>)
    .filter(([path]) => path !== '')
    .map(([path, e]) => ({ id: `${path.split('node_modules/').pop()}@${e.version}`, dev: e.dev === true }));
  const prod = new Set(entries.filter((e) => !e.dev).map((e) => e.id));
  const devOnly = new Set(entries.filter((e) => e.dev && !prod.has(e.id)).map((e) => e.id));
  expect([...devOnly]).toEqual(expect.arrayContaining([expect.stringMatching(/^vitest@/)]));
  const installed = installedPackages(join(project, 'node_modules'));
  expect(installed).toEqual(expect.arrayContaining([expect.stringMatching(/^sigstore@5\./)]));
  expect(installed.filter((id) => devOnly.has(id))).toEqual([]);
  // Installed from the tarball, not resolved from this repository.
  expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
}, 180_000);

/** name@version of every package under a node_modules folder, nested ones included. */
function installedPackages(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? readdirSync(join(dir, entry.name)).map((n) => `${entry.name}/${n}`)
      : [entry.name];
    for (const name of names) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      found.push(`${name}@${JSON.parse(readFileSync(manifest, 'utf8')).version}`);
      if (existsSync(join(dir, name, 'node_modules')))
        found.push(...installedPackages(join(dir, name, 'node_modules')));
    }
  }
  return found;
}
