// Proves the e2e test-support pieces against the real binaries of both Debian generations, so a
// later CLI test failing means the CLI, not the harness.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirContainsString, listFilesRecursive, runCli } from '../support/cli.js';
import { leaksIn } from '../support/leaks.js';
import { startLeakScanner } from '../support/proc-scanner.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
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

  it('recording stand-in: every oras run is on record (argv, environment, fds), the secret on stdin only', async () => {
    const src = freshDir('record');
    writeFileSync(join(src, 'f.bin'), 'recorded\n');
    const standIn = recordingStandIn('oras', toolsFor(gen).oras);
    const before = standIn.invocations().length;
    const push = await execa(standIn.path, ['push', `${reg.host}/support/record:v1`, 'f.bin', ...auth(reg)], {
      input: reg.password,
      cwd: src,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: oras.home, MARKER: 'kept' },
    });
    expect(push.exitCode, push.stderr).toBe(0); // the real oras ran behind it
    const runs = standIn.invocations().slice(before);
    expect(runs.map(subcommand)).toEqual(['push']);
    expect(runs[0]!.args).toEqual(['push', `${reg.host}/support/record:v1`, 'f.bin', ...auth(reg)]);
    expect(runs[0]!.env).toEqual({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: oras.home, MARKER: 'kept' });
    expect(runs[0]!.fds[0]).toMatch(/^(pipe|socket):\[\d+\]$/);
    expect(leaksIn(runs, { secrets: [reg.password], forbiddenDirs: [oras.home] })).toEqual([]);
    await runs[0]!.exited(); // the process is gone: its lifeline is closed
  });
});

describe('leak proofs can fail', () => {
  it('the recording stand-in catches a secret in argv, in the environment and on an open fd; not on stdin', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-marker`;
    const dir = freshDir('leaky');
    writeFileSync(join(dir, `holds-${secret}`), '');
    const standIn = recordingStandIn('tool', '/bin/true');
    const clean = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    await execa(standIn.path, ['--password', secret], { env: clean, extendEnv: false });
    await execa(standIn.path, ['--token-file', 'x'], { env: { ...clean, TOKEN: secret }, extendEnv: false });
    const held = openSync(join(dir, `holds-${secret}`), 'r'); // the file itself on fd 0, not a pipe fed from it
    spawnSync(standIn.path, [], { env: clean, stdio: [held, 'ignore', 'ignore'] });
    closeSync(held);
    await execa(standIn.path, ['--password-stdin'], { env: clean, extendEnv: false, input: secret });
    const runs = standIn.invocations();
    expect(runs).toHaveLength(4);
    expect(leaksIn([runs[0]!], { secrets: [secret] })).toEqual([`${runs[0]!.id} (): argv[2]`]);
    expect(leaksIn([runs[1]!], { secrets: [secret] })).toEqual([`${runs[1]!.id} (): environment TOKEN`]);
    expect(leaksIn([runs[2]!], { secrets: [secret] })).toEqual([`${runs[2]!.id} (): fd 0 → a path naming the secret`]);
    expect(leaksIn([runs[2]!], { secrets: ['unrelated'], forbiddenDirs: [dir] })).toEqual([
      `${runs[2]!.id} (): fd 0 open on ${join(dir, `holds-${secret}`)}`,
    ]);
    expect(leaksIn([runs[3]!], { secrets: [secret], forbiddenDirs: [dir] })).toEqual([]);
    // Encoded spellings count: base64 of user:secret, as a docker config stores it.
    const b64 = Buffer.from(`u:${secret}`).toString('base64');
    await execa(standIn.path, ['--auth', b64], { env: clean, extendEnv: false });
    expect(leaksIn(standIn.invocations().slice(4), { secrets: [secret], username: 'u' })).toHaveLength(1);
  });

  it("the stand-in's lifeline closes exactly when the process is gone", async () => {
    const standIn = recordingStandIn('tool', '/bin/cat', { override: { prefix: 'hold', script: 'publish; exec cat' } });
    const held = execa(standIn.path, ['hold'], { stdin: 'pipe', extendEnv: false, env: { PATH: '/usr/bin:/bin' } });
    const run = await standIn.waitFor((i) => subcommand(i) === 'hold', 'hold');
    let gone = false;
    const exited = run.exited().then(() => {
      gone = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(gone).toBe(false); // cat is blocked on a stdin we hold open: it cannot have exited
    held.stdin?.end();
    await held;
    await exited;
    expect(gone).toBe(true);
  });

  it('the /proc scanner sees a secret in argv and env (also of a grandchild), not one given on stdin', async () => {
    const secret = `s3cr3t-${Math.random().toString(36).slice(2)}-marker`;
    const scanner = await startLeakScanner(secret);
    const clean = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    // Each process blocks reading stdin (which the test holds open) until the scanner has made a
    // whole pass after they all started: no race between the scan and the processes' lifetimes.
    // `; :` stops a shell from exec-ing its last command, so the shell itself stays with its argv.
    const hold = { stdin: 'pipe', extendEnv: false } as const;
    const inArgv = execa('sh', ['-c', 'cat; :', 'sh', secret], { ...hold, env: clean });
    // The grandchild (a second sh, which prints its pid) inherits the environment.
    const inEnv = execa('sh', ['-c', 'sh -c "echo \\$\\$; exec cat"; :'], {
      ...hold,
      env: { ...clean, LEAKED: secret },
    });
    const onStdin = execa('sh', ['-c', 'read -r s; cat; :'], { ...hold, env: clean });
    onStdin.stdin?.write(`${secret}\n`);
    const grandchild = await new Promise<number>((resolve) =>
      inEnv.stdout?.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))),
    );
    await scanner.sync();
    for (const p of [inArgv, inEnv, onStdin]) p.stdin?.end();
    await Promise.all([inArgv, inEnv, onStdin]);
    const report = await scanner.stop();

    const at = (pid: number | undefined) => report.sightings.filter((s) => s.pid === pid).map((s) => s.where);
    expect(at(inArgv.pid)).toEqual(['cmdline']);
    expect(at(inEnv.pid)).toEqual(['environ']);
    expect(at(grandchild)).toEqual(['environ']);
    expect(at(onStdin.pid)).toEqual([]);
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
