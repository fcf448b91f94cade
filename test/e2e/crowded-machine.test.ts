// Nothing lost, nothing half-done on a crowded machine: a pull in another PID namespace (a
// container) sharing the output folder, eight pulls racing to create one folder, a filesystem with
// one free inode, TMPDIR naming a file, a --github-output that cannot be written or is a FIFO nobody
// reads, a terminal on stdin, and the mode of a bundle `sign` writes. Real conditions: `unshare`, a
// tiny tmpfs, a real pty through `script`, a stalling proxy in front of the real registry.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, freshCliDirs } from '../support/cli.js';
import { EXIT } from '../support/expect.js';
import { type RegistryProxy, startRegistryProxy } from '../support/hostile/registry-proxy.js';
import { useKit } from '../support/kit/scenario.js';
import { craftArtifact, type CraftedArtifact } from '../support/registry-api.js';

const kit = useKit({ gen: 'trixie', sigstore: true });
let proxy: RegistryProxy;
const arts: CraftedArtifact[] = [];

beforeAll(async () => {
  proxy = await startRegistryProxy(kit.reg);
  for (let i = 0; i < 8; i++) {
    arts.push(await craftArtifact(kit.reg, `crowd/f${i}`, 'v1', [{ content: randomBytes(512), title: `f${i}.bin` }]));
  }
});
afterAll(() => proxy?.close());

const ref = (i: number) => `${kit.reg.host}/${arts[i]!.tagRef}`;
/** Waits for `check` to hold (an event, not a guessed delay), failing after `ms`. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a crowded machine', () => {
  it('a pull in another PID namespace keeps its live private folder while a pull outside shares the output folder', async () => {
    const out = join(freshCliDirs().cwd, 'shared');
    mkdirSync(out);
    const blob = new RegExp(`/blobs/${arts[0]!.layers[0]!.digest}$`);
    proxy.setRules([{ path: blob, method: 'GET', fault: { kind: 'stall' } }]);
    // Inside: its own PID namespace (PID 1 there), stalled mid-download, its private folder live in `out`.
    const inside = execa(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        '--kill-child',
        process.execPath,
        CLI_BIN,
        'pull',
        `${proxy.host}/${arts[0]!.tagRef}`,
        '-o',
        out,
        '-u',
        kit.reg.username,
        '--timeout',
        '10m',
      ],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: freshCliDirs().home, ...kit.env() },
        extendEnv: false,
        reject: false,
      },
    );
    try {
      await until(() => proxy.requestsTo(blob).length > 0, 'the inside pull to start its download');
      const privateFolders = () => readdirSync(out).filter((n) => n.startsWith('.ghcr-blob-'));
      expect(privateFolders()).toHaveLength(1);
      const live = privateFolders()[0]!;
      // Outside: another file into the same folder; its sweep must not take the inside's folder for a dead one.
      const outside = await kit.run(['pull', ref(1), '-o', out, '-u', kit.reg.username]);
      expect(outside.exitCode, outside.stderr).toBe(EXIT.OK);
      expect(readdirSync(out).sort()).toEqual([live, 'f1.bin'].sort());
    } finally {
      inside.kill('SIGTERM');
      await inside;
      proxy.setRules([]);
    }
  });

  it('eight pulls racing to create one output folder all land', async () => {
    const out = join(freshCliDirs().cwd, 'new', 'deeper');
    const runs = await Promise.all(arts.map((_, i) => kit.run(['pull', ref(i), '-o', out, '-u', kit.reg.username])));
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(readdirSync(out).sort()).toEqual(arts.map((_, i) => `f${i}.bin`).sort());
  });

  it('an output filesystem with one free inode: a usage error, and nothing left behind', async (ctx) => {
    const mnt = mkdtempSync(join(tmpdir(), 'ghcr-blob-inodes-'));
    // The root folder takes one inode of two: one is free.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,nr_inodes=2,mode=0700', 'tmpfs', mnt]);
    if (mounted.status !== 0) {
      rmSync(mnt, { recursive: true, force: true });
      ctx.skip(); // not root, or no mount permission here
    }
    try {
      const r = await kit.run(['pull', ref(2), '-o', mnt, '-u', kit.reg.username]);
      expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(/no space or no inode left/);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('TMPDIR naming a file: exit 2 with a message, not "unexpected error: ENOTDIR"', async () => {
    const file = join(freshCliDirs().cwd, 'not-a-folder');
    writeFileSync(file, '');
    const out = join(freshCliDirs().cwd, 'out');
    const r = await kit.run(['pull', ref(3), '-o', out, '-u', kit.reg.username], { env: { TMPDIR: file } });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/cannot make a private folder in .*not-a-folder: it is not a folder/);
    expect(r.stderr).toMatch(/TMPDIR/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['in a folder that does not exist', (d: string) => join(d, 'missing', 'out.txt')],
    ['a folder', (d: string) => d],
  ])('--github-output %s: refused before anything lands (exit 2)', async (_n, pathIn) => {
    const out = join(freshCliDirs().cwd, 'out');
    const target = pathIn(freshCliDirs().cwd);
    const r = await kit.run(['pull', ref(4), '-o', out, '-u', kit.reg.username, '--github-output'], {
      env: { GITHUB_OUTPUT: target },
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/--github-output: cannot write/);
    expect(existsSync(out)).toBe(false);
  });

  it('a GITHUB_OUTPUT FIFO nobody reads: refused at once (exit 2), the process never blocks', async () => {
    const fifo = join(freshCliDirs().cwd, 'outputs');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(freshCliDirs().cwd, 'out');
    const r = await kit.run(['pull', ref(4), '-o', out, '-u', kit.reg.username, '--github-output'], {
      env: { GITHUB_OUTPUT: fifo },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/a FIFO nobody reads/);
    expect(existsSync(out)).toBe(false);
  });

  it('--password-stdin with a terminal on stdin says it is reading the token there', async () => {
    const dirs = freshCliDirs();
    const cmd = [
      process.execPath,
      CLI_BIN,
      'pull',
      `${kit.reg.host}/${arts[5]!.tagRef}`,
      '-o',
      'out',
      '-u',
      kit.reg.username,
      '--password-stdin',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    // `script` gives the CLI a real pty; the line, then Ctrl-D (EOF at the start of a line) is what a person types.
    const r = await execa('script', ['-qec', cmd, '/dev/null'], {
      cwd: dirs.cwd,
      input: `${kit.reg.password}\n\x04`,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home, ...kit.env({ GHCR_TOKEN: '' }) },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(r.stdout).toMatch(/Reading the token from stdin \(a terminal\)/);
    expect(r.exitCode, r.stdout).toBe(EXIT.OK);
    expect(readdirSync(join(dirs.cwd, 'out'))).toEqual(['f5.bin']);
  });

  it('a bundle written by sign follows the umask like a pulled file (0644 under 022), not 0600', async () => {
    const file = kit.file('signed contents');
    const r = await kit.sign(file);
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const mask = spawnSync('sh', ['-c', 'umask']).stdout.toString().trim();
    const expected = 0o666 & ~Number.parseInt(mask, 8);
    expect((statSync(`${file}.sigstore.json`).mode & 0o777).toString(8)).toBe(expected.toString(8));
    expect(JSON.parse(readFileSync(`${file}.sigstore.json`, 'utf8')).mediaType).toMatch(/sigstore\.bundle/);
  });
});
