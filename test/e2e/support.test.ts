// Proves the e2e test-support pieces against the real binaries of both Debian generations, so a
// later CLI test failing means the CLI, not the harness.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirContainsString, listFilesRecursive, runCli } from '../support/cli.js';
import { startLeakScanner } from '../support/proc-scanner.js';
import { registryDown, startRegistry, type Registry } from '../support/registry.js';
import { craftArtifact, getManifest, listTags, sha256Digest, tagManifest } from '../support/registry-api.js';
import { GENERATIONS, REPO_ROOT, toolsFor, type Generation } from '../support/tools.js';

const scratch = mkdtempSync(join(tmpdir(), 'ghcr-blob-support-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function freshDir(name: string): string {
  return mkdtempSync(join(scratch, `${name}-`));
}

/** oras in a sealed env (temp HOME/DOCKER_CONFIG) and with an empty --registry-config. */
function makeOras(gen: Generation) {
  const { oras } = toolsFor(gen);
  const home = freshDir(`home-${gen}`);
  const dockerConfig = freshDir(`docker-${gen}`);
  const registryConfig = join(freshDir(`regcfg-${gen}`), 'config.json');
  writeFileSync(registryConfig, '');
  const run = (args: string[], opts: { stdin?: string; cwd?: string } = {}) =>
    execa(oras, [...args, '--registry-config', registryConfig], {
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: dockerConfig },
      input: opts.stdin ?? '',
      cwd: opts.cwd ?? scratch,
      stripFinalNewline: false,
    });
  return { run, home, dockerConfig };
}

const auth = (reg: Registry) => ['-u', reg.username, '--password-stdin'];

describe.each(GENERATIONS)('harness against real oras (%s)', (gen) => {
  const oras = makeOras(gen);
  let reg: Registry;

  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
  });
  afterAll(async () => {
    await reg.stop();
  });

  it('starts a plain-HTTP registry with auth on localhost:PORT', () => {
    expect(reg.host).toMatch(/^localhost:\d+$/);
    expect(reg.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(reg.username).toBe('ci-user');
    expect(reg.password.length).toBeGreaterThanOrEqual(20);
    expect(reg.caFile).toBeUndefined();
  });

  it('oras push/pull round-trip with the password on stdin, leaving HOME and DOCKER_CONFIG empty', async () => {
    const src = freshDir('src');
    writeFileSync(join(src, 'hello.txt'), 'hello world\n');
    const ref = `${reg.host}/support/roundtrip:v1`;

    const push = await oras.run(['push', ref, 'hello.txt', ...auth(reg), '--format', 'json'], {
      stdin: `${reg.password}\n`,
      cwd: src,
    });
    expect(push.stderr).toBe('');
    expect(push.exitCode).toBe(0);
    const pushed = JSON.parse(push.stdout) as { digest: string; mediaType: string };
    expect((await getManifest(reg, 'support/roundtrip', 'v1')).digest).toBe(pushed.digest);

    const out = freshDir('out');
    const pull = await oras.run(['pull', ref, '-o', out, ...auth(reg), '--format', 'json'], { stdin: reg.password });
    expect(pull.exitCode).toBe(0);
    const pulled = JSON.parse(pull.stdout) as { files: { path: string; digest: string }[] };
    expect(pulled.files).toHaveLength(1);
    expect(pulled.files[0]?.path).toBe(join(out, 'hello.txt'));
    expect(readFileSync(join(out, 'hello.txt'), 'utf8')).toBe('hello world\n');

    expect(listFilesRecursive(oras.home)).toEqual([]);
    expect(listFilesRecursive(oras.dockerConfig)).toEqual([]);
  });

  it('a wrong password fails with exit 1 and 401/unauthorized', async () => {
    const res = await oras.run(['resolve', `${reg.host}/support/roundtrip:v1`, ...auth(reg)], { stdin: 'wrong' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/401|unauthorized/i);
  });

  it('registryDown() gives connection refused', async () => {
    const down = await registryDown();
    const res = await oras.run(['resolve', `${down.host}/x/y:v1`, ...auth(reg)], { stdin: reg.password });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('connection refused');
  });

  it('craftArtifact output is what oras manifest fetch / resolve report', async () => {
    const crafted = await craftArtifact(
      reg,
      'support/crafted',
      'v1',
      [
        { content: 'one', title: 'one.txt' },
        { content: Buffer.from([0, 1, 2]), mediaType: 'application/octet-stream' }, // no title
      ],
      { artifactType: 'application/vnd.example.test' },
    );
    const ref = `${reg.host}/${crafted.tagRef}`;

    // --format json: {reference (by digest), mediaType, digest, size, content}; content is the
    // manifest re-serialised by oras (keys sorted), so its bytes do not hash to the digest.
    const json = await oras.run(['manifest', 'fetch', ref, '--format', 'json', ...auth(reg)], { stdin: reg.password });
    expect(json.exitCode).toBe(0);
    const fetched = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(fetched).toEqual({
      reference: `${reg.host}/${crafted.digestRef}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: crafted.digest,
      size: crafted.bytes.length,
      content: crafted.manifest,
    });

    // Without --format: the exact stored bytes, no trailing newline.
    const raw = await oras.run(['manifest', 'fetch', ref, ...auth(reg)], { stdin: reg.password });
    expect(raw.exitCode).toBe(0);
    expect(raw.stdout).toBe(crafted.bytes.toString('utf8'));
    expect(sha256Digest(raw.stdout)).toBe(crafted.digest);

    // --descriptor: compact {mediaType, digest, size}.
    const desc = await oras.run(['manifest', 'fetch', ref, '--descriptor', ...auth(reg)], { stdin: reg.password });
    expect(JSON.parse(desc.stdout)).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: crafted.digest,
      size: crafted.bytes.length,
    });

    // resolve: the bare digest and a newline; --full-reference: host/repo@digest.
    const resolve = await oras.run(['resolve', ref, ...auth(reg)], { stdin: reg.password });
    expect(resolve.stdout).toBe(`${crafted.digest}\n`);
    const full = await oras.run(['resolve', ref, '--full-reference', ...auth(reg)], { stdin: reg.password });
    expect(full.stdout).toBe(`${reg.host}/${crafted.digestRef}\n`);
  });

  it('crafted hostile titles reach oras as written (it refuses ../x)', async () => {
    const crafted = await craftArtifact(reg, 'support/hostile', 'v1', [{ content: 'boom', title: '../escape.txt' }]);
    const out = join(freshDir('hostile'), 'out');
    mkdirSync(out);
    const res = await oras.run(['pull', `${reg.host}/${crafted.tagRef}`, '-o', out, ...auth(reg)], {
      stdin: reg.password,
    });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/path traversal disallowed/);
    expect(existsSync(join(out, '..', 'escape.txt'))).toBe(false);
  });

  it('tagManifest moves a tag; listTags sees it', async () => {
    const a = await craftArtifact(reg, 'support/moving', 'a', [{ content: 'A', title: 'f.txt' }]);
    const b = await craftArtifact(reg, 'support/moving', 'b', [{ content: 'B', title: 'f.txt' }]);
    await tagManifest(reg, 'support/moving', 'a', 'latest');
    const before = await oras.run(['resolve', `${reg.host}/support/moving:latest`, ...auth(reg)], {
      stdin: reg.password,
    });
    expect(before.stdout.trim()).toBe(a.digest);
    expect(await tagManifest(reg, 'support/moving', b.digest, 'latest')).toBe(b.digest);
    const after = await oras.run(['resolve', `${reg.host}/support/moving:latest`, ...auth(reg)], {
      stdin: reg.password,
    });
    expect(after.stdout.trim()).toBe(b.digest);
    expect((await listTags(reg, 'support/moving')).sort()).toEqual(['a', 'b', 'latest']);
    expect(await listTags(reg, 'support/never-pushed')).toEqual([]);
  });

  it('TLS registry: works with --ca-file, fails without', async () => {
    const tls = await startRegistry({ tls: true, generation: gen, users: { alice: 'tls-pass-1234567890' } });
    try {
      expect(tls.host).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(tls.caFile && readFileSync(tls.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
      const crafted = await craftArtifact(tls, 'support/tls', 'v1', [{ content: 'secure', title: 's.txt' }]);
      const ref = `${tls.host}/${crafted.tagRef}`;

      const ok = await oras.run(['resolve', ref, '--ca-file', tls.caFile ?? '', ...auth(tls)], { stdin: tls.password });
      expect(ok.stderr).toBe('');
      expect(ok.stdout.trim()).toBe(crafted.digest);

      const noCa = await oras.run(['resolve', ref, ...auth(tls)], { stdin: tls.password });
      expect(noCa.exitCode).toBe(1);
      expect(noCa.stderr).toMatch(/x509|certificate/i);
    } finally {
      await tls.stop();
    }
    expect(existsSync(tls.dataDir)).toBe(false);
  });

  it('leak scanner sees oras run and no password while it pushes with --password-stdin', async () => {
    const src = freshDir('scan');
    // Big enough that the push outlasts several scans even on an idle machine (4 MiB did not).
    writeFileSync(join(src, 'f.bin'), Buffer.alloc(96 << 20, 7));
    const scanner = await startLeakScanner(reg.password);
    const push = await oras.run(['push', `${reg.host}/support/scan:v1`, 'f.bin', ...auth(reg)], {
      stdin: reg.password,
      cwd: src,
    });
    const report = await scanner.stop();
    expect(push.exitCode).toBe(0);
    expect(report.sightings).toEqual([]);
    expect(report.scans).toBeGreaterThan(2);
    expect(report.commsSeen).toContain('oras'); // the scan overlapped the process it is about
  });
});

describe('leak scanner can fail', () => {
  it('sees a secret in argv and env (also of a grandchild), not one given on stdin', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-marker`;
    const scanner = await startLeakScanner(secret);
    const clean = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    // `; :` stops the shell from exec-ing sleep, so the shell itself stays alive with its argv.
    // Two seconds: long enough that a scanner slowed by a busy machine still passes over each.
    const inArgv = execa('sh', ['-c', 'sleep 2; :', 'sh', secret], { env: clean, extendEnv: false });
    const inEnv = execa('sh', ['-c', 'sleep 2; :'], { env: { ...clean, LEAKED: secret }, extendEnv: false });
    const onStdin = execa('sh', ['-c', 'read -r s; sleep 2; :'], {
      input: `${secret}\n`,
      env: clean,
      extendEnv: false,
    });
    await Promise.all([inArgv, inEnv, onStdin]);
    const report = await scanner.stop();

    const at = (pid: number | undefined) => report.sightings.filter((s) => s.pid === pid).map((s) => s.where);
    expect(at(inArgv.pid)).toEqual(['cmdline']);
    expect(at(inEnv.pid)).toEqual(['environ']);
    expect(at(onStdin.pid)).toEqual([]);
    // The env leak is inherited by the shell's own child: grandchildren are scanned too.
    expect(report.sightings.some((s) => s.comm === 'sleep' && s.where === 'environ')).toBe(true);
    expect(report.commsSeen).toContain('sleep');
    expect(report.scans).toBeGreaterThan(5);
  });
});

describe('fs helpers', () => {
  it('dirContainsString finds raw and base64-embedded secrets (docker config auths)', () => {
    const dir = freshDir('fs');
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz012345';
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'clean.txt'), 'nothing here');
    expect(dirContainsString(dir, secret)).toBe(false);
    for (const user of ['u', 'us', 'usr']) {
      const d = freshDir('fs-b64');
      const auth = Buffer.from(`${user}:${secret}`).toString('base64');
      writeFileSync(join(d, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth } } }));
      expect(dirContainsString(d, secret)).toBe(true);
    }
    writeFileSync(join(dir, 'sub', 'leak.log'), `token=${secret}`);
    expect(dirContainsString(dir, secret)).toBe(true);
    expect(listFilesRecursive(dir)).toEqual(['sub/clean.txt', 'sub/leak.log']);
  });

  it.skipIf(!existsSync(join(REPO_ROOT, 'dist', 'cli.js')))('runCli runs the built CLI in a sealed env', async () => {
    const res = await runCli(['--help']);
    expect(res.exitCode).toBe(0);
    expect(readdirSync(res.home)).toEqual([]);
    expect(readdirSync(res.dockerConfig)).toEqual([]);
  });
});
