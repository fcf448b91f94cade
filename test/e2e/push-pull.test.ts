// push and pull end to end: the built CLI, real oras (both generations), a real registry.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  env as toolEnv,
  EXIT,
  expectCleanFailure,
  freshCliDirs,
  listFilesRecursive,
  run,
  sha256,
  useKit,
} from '../support/kit.js';
import { craftArtifact, getManifest } from '../support/registry-api.js';
import { registryDown, type Registry } from '../support/registry.js';
import { GENERATIONS, toolsFor } from '../support/tools.js';

describe.each(GENERATIONS)('push and pull with oras from %s', (gen) => {
  const kit = useKit({ gen });
  let reg: Registry;
  /** The tools of this generation; no registry token (each test says how it logs in). */
  const env = () => toolEnv({ gen });
  let work: string;
  const file = () => join(work, 'report.json');

  beforeAll(async () => {
    reg = kit.reg;
    work = freshCliDirs().cwd;
    writeFileSync(file(), '{"ok":true}\n');
    // Every test can rely on this artifact, whatever runs before it.
    await craftArtifact(reg, 'octo/tools/report.json', 'v1', [
      { content: '{"ok":true}\n', title: 'report.json', mediaType: 'application/octet-stream' },
    ]);
  });

  const push = (ref: string, path: string, extra: string[] = [], stdin = reg.password) =>
    kit.push(`${reg.host}/${ref}`, path, { auth: 'stdin', stdin: `${stdin}\n`, json: false, extra });
  const pull = (ref: string, outDir: string, extra: string[] = []) =>
    kit.pull(`${reg.host}/${ref}`, { out: outDir, auth: 'stdin', extra });

  it('pushes one file and pulls it back by tag and by digest, writing no credential anywhere', async () => {
    const pushed = await push('octo/tools/report.json:v1', file(), [
      '--json',
      '--annotation',
      'org.example.k=v',
      '--artifact-type',
      'application/vnd.example.report+json',
    ]);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const out = JSON.parse(pushed.stdout);
    const manifest = await getManifest(reg, 'octo/tools/report.json', 'v1');
    expect(out).toMatchObject({
      reference: `${reg.host}/octo/tools/report.json:v1`,
      digest: manifest.digest,
      pinnedReference: `${reg.host}/octo/tools/report.json@${manifest.digest}`,
    });
    expect(manifest.json).toMatchObject({
      artifactType: 'application/vnd.example.report+json',
      annotations: { 'org.example.k': 'v' },
      layers: [
        {
          digest: sha256(readFileSync(file())),
          mediaType: 'application/octet-stream',
          annotations: { 'org.opencontainers.image.title': 'report.json' },
        },
      ],
    });
    expect(pushed.stdout + pushed.stderr).not.toContain(reg.password);
    expect(listFilesRecursive(pushed.home)).toEqual([]);
    expect(listFilesRecursive(pushed.dockerConfig)).toEqual([]);

    const dir = join(freshCliDirs().cwd, 'out');
    const pulled = await pull('octo/tools/report.json:v1', dir, ['--json']);
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('{"ok":true}\n');
    expect(readdirSync(dir)).toEqual(['report.json']); // the private temp folder is gone
    expect(JSON.parse(pulled.stdout)).toEqual({
      schemaVersion: 1,
      reference: `${reg.host}/octo/tools/report.json:v1`,
      digest: manifest.digest,
      pinnedReference: `${reg.host}/octo/tools/report.json@${manifest.digest}`,
      file: {
        path: join(dir, 'report.json'),
        name: 'report.json',
        size: 12,
        digest: sha256('{"ok":true}\n'),
        mediaType: 'application/octet-stream',
      },
    });
    expect(listFilesRecursive(pulled.home)).toEqual([]);

    const byDigest = join(freshCliDirs().cwd, 'd');
    const r = await pull(`octo/tools/report.json@${manifest.digest}`, byDigest, [
      '--expect-digest',
      sha256('{"ok":true}\n'),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(byDigest, 'report.json'));
    const tagAndDigest = await pull(`octo/tools/report.json:v1@${manifest.digest}`, join(freshCliDirs().cwd, 't'));
    expect(tagAndDigest.exitCode, tagAndDigest.stderr).toBe(0);
  });

  it('takes the token from GHCR_TOKEN, then GITHUB_TOKEN', async () => {
    for (const name of ['GHCR_TOKEN', 'GITHUB_TOKEN']) {
      const r = await run(['push', `${reg.host}/octo/env:${name.toLowerCase()}`, file(), '-u', reg.username], {
        env: { ...env(), [name]: reg.password },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(reg.password);
    }
  });

  it('refuses to overwrite without --force and keeps the existing file; replaces it with --force', async () => {
    const dir = freshCliDirs().cwd;
    writeFileSync(join(dir, 'report.json'), 'mine');
    const r = await pull('octo/tools/report.json:v1', dir);
    expect(r.exitCode).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/already exists/);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('mine');
    expect(readdirSync(dir)).toEqual(['report.json']);
    const forced = await pull('octo/tools/report.json:v1', dir, ['--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('{"ok":true}\n');
  });

  describe('bad input: clear message, distinct exit code, nothing written', () => {
    it.each([
      ['upper-case repository', (h: string) => `${h}/Octo/tools:v1`, /lower-case/],
      ['bad tag', (h: string) => `${h}/octo/tools:-v1`, /tag/],
      ['short digest', (h: string) => `${h}/octo/tools@sha256:abc`, /64/],
      ['no registry host', () => 'octo/tools:v1', /registry host/],
    ])('pull: %s', async (_n, ref, why) => {
      const parent = freshCliDirs().cwd;
      const r = await kit.run(['pull', ref(reg.host), '-o', join(parent, 'out')]);
      expectCleanFailure(r, EXIT.USAGE, [reg.password], [parent]);
      expect(r.stderr).toMatch(why);
    });

    it.each([
      ['a missing file', () => join(work, 'nope.json'), /no such file/],
      ['a directory', () => work, /not a regular file/],
      [
        'a name with a colon',
        () => {
          const p = join(work, 'a:b.json');
          writeFileSync(p, 'x');
          return p;
        },
        /contains ':'/,
      ],
    ])('push: %s', async (_n, path, why) => {
      const r = await push('octo/bad:v1', path());
      expectCleanFailure(r, EXIT.USAGE, [reg.password]);
      expect(r.stderr).toMatch(why);
    });

    it('push: an empty token on stdin', async () => {
      const r = await push('octo/bad:v1', file(), [], '');
      expectCleanFailure(r, EXIT.USAGE, [reg.password]);
      expect(r.stderr).toMatch(/stdin was empty/);
    });

    it('push: a --password flag is refused without echoing its value', async () => {
      const r = await run(['push', `${reg.host}/octo/bad:v1`, file(), `--password=${reg.password}`], { env: env() });
      expectCleanFailure(r, EXIT.USAGE, [reg.password]);
      expect(r.stderr).toMatch(/no --password flag/);
    });

    it('push and pull: a wrong password is an auth failure that never shows either secret, even with --debug', async () => {
      const wrong = 'wrong-password-1234567';
      const r = await push('octo/bad:v1', file(), ['--debug'], wrong);
      expectCleanFailure(r, EXIT.AUTH_FAILED, [wrong]);
      const dir = join(freshCliDirs().cwd, 'out');
      const p = await kit.pull(`${reg.host}/octo/tools/report.json:v1`, {
        out: dir,
        extra: ['--debug'],
        env: { GHCR_TOKEN: wrong },
      });
      expectCleanFailure(p, EXIT.AUTH_FAILED, [wrong]);
      expect(() => readdirSync(dir)).toThrow(); // the folder it created is gone again
    });

    it('pull: an unknown tag is not found', async () => {
      const dir = freshCliDirs().cwd;
      const r = await pull('octo/tools/report.json:nope', dir);
      expectCleanFailure(r, EXIT.NOT_FOUND, [reg.password], [dir]);
    });

    it('pull: a registry that is down is unreachable', async () => {
      const down = await registryDown();
      const dir = freshCliDirs().cwd;
      const r = await kit.run(['pull', `${down.host}/octo/x:v1`, '-o', dir]);
      expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password], [dir]);
    });

    it.each([
      ['a ../ title', [{ content: 'evil', title: '../x' }], /not a plain file name/],
      ['an absolute title', [{ content: 'evil', title: '/tmp/x' }], /not a plain file name/],
      ['no title', [{ content: 'evil' }], /no file name/],
      // U+202E (right-to-left override) makes the installer `\u202egnp.exe` read as `exe.png`.
      ['a bidi-override title', [{ content: 'evil', title: '\u202egnp.exe' }], /not a plain file name/],
      [
        'two layers',
        [
          { content: 'a', title: 'a' },
          { content: 'b', title: 'b' },
        ],
        /2 layers/,
      ],
    ])('pull: a crafted artifact with %s is refused before anything lands', async (_n, layers, why) => {
      const tag = `crafted-${Math.random().toString(36).slice(2, 8)}`;
      await craftArtifact(reg, 'octo/crafted', tag, layers);
      const parent = freshCliDirs().cwd;
      const dir = join(parent, 'out');
      mkdirSync(dir);
      const r = await pull(`octo/crafted:${tag}`, dir);
      expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password], [dir]);
      expect(r.stderr).toMatch(why);
      expect(listFilesRecursive(parent)).toEqual([]);
    });

    it('pull: --expect-digest that does not match lands nothing', async () => {
      const dir = freshCliDirs().cwd;
      const r = await pull('octo/tools/report.json:v1', dir, ['--expect-digest', sha256('something else')]);
      expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password], [dir]);
      expect(r.stderr).toMatch(/content digest mismatch/);
    });

    it('a missing or non-oras tool is a tool error with an install hint', async () => {
      const missing = await run(['pull', `${reg.host}/octo/tools/report.json:v1`], {
        env: toolEnv({ oras: '/nonexistent/oras', cosign: null }),
      });
      expectCleanFailure(missing, EXIT.TOOL_MISSING, [reg.password]);
      expect(missing.stderr).toMatch(/hint: install oras/);
      const notOras = await run(['pull', `${reg.host}/octo/tools/report.json:v1`, '--oras', toolsFor(gen).registry]);
      expect(notOras.exitCode).toBe(EXIT.TOOL_MISSING);
    });
  });
});

describe('TLS registry with a private CA', () => {
  const kit = useKit({ gen: 'sid', registry: { tls: true } });

  it.each(GENERATIONS)('works with --ca-file and is unreachable without it (oras from %s)', async (gen) => {
    const reg = kit.reg;
    const env = toolEnv({ gen, token: reg.password });
    const dir = freshCliDirs().cwd;
    const file = join(dir, 'tls.txt');
    writeFileSync(file, 'over tls');
    const ok = await run(['push', `${reg.host}/octo/tls:${gen}`, file, '-u', reg.username, '--ca-file', reg.caFile!], {
      env,
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const out = join(dir, 'out');
    const noCa = await run(['pull', `${reg.host}/octo/tls:${gen}`, '-o', out, '-u', reg.username], { env });
    expectCleanFailure(noCa, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(noCa.stderr).toMatch(/--ca-file/);
    const pulled = await run(
      ['pull', `${reg.host}/octo/tls:${gen}`, '-o', out, '-u', reg.username, '--ca-file', reg.caFile!],
      { env },
    );
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(readFileSync(join(out, 'tls.txt'), 'utf8')).toBe('over tls');
  });
});
