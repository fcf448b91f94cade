// Signing with cosign's private key (issue 16): `sign --key` / `push --sign --key` with the password
// on stdin (reaching cosign only on its stdin, never COSIGN_PASSWORD in its environment), an explicit
// transparency-log choice that verify must match, and `verify --key` / `pull --verify --key` where
// cosign and the in-process verifier both accept. A key bundle never satisfies an identity policy,
// a certificate never a key policy. Real cosign 2 and 3, the local Sigstore stack, a real registry.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContainingString, freshCliDirs, runCli } from '../support/cli.js';
import { leaksIn, leaksInText } from '../support/leaks.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { recordingStandIn } from '../support/stand-in.js';
import { toolsFor } from '../support/tools.js';
import {
  EXIT,
  GENS,
  RELEASE,
  RELEASE_SAN as SAN,
  cosignPath,
  exactly,
  expectRefusal,
  sign,
  verify,
  type Gen,
} from '../support/kit.js';

const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

let stack: SigstoreStack;
let keyDir: string;
let key: { private: string; public: string };
let otherKey: { private: string; public: string };

/** `cosign generate-key-pair` (the test's own setup: COSIGN_PASSWORD is how cosign takes it there). */
async function generateKeyPair(dir: string, prefix: string, password: string) {
  await execa(cosignPath(3), ['generate-key-pair', '--output-key-prefix', prefix], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, COSIGN_PASSWORD: password },
    extendEnv: false,
  });
  return { private: join(dir, `${prefix}.key`), public: join(dir, `${prefix}.pub`) };
}

beforeAll(async () => {
  stack = await startSigstoreStack();
  keyDir = freshCliDirs().cwd;
  [key, otherKey] = await Promise.all([
    generateKeyPair(keyDir, 'release', PASSWORD),
    generateKeyPair(keyDir, 'other', 'another password'),
  ]);
});
afterAll(async () => stack?.close());

const trust = () => ['--signing-config', stack.signingConfigPath, '--trusted-root', stack.trustedRootPath];

/** `ghcr-blob sign FILE --key K --key-password-stdin` with the password on stdin. */
async function signWithKey(gen: Gen, o: { password?: string; extra?: string[]; cosign?: string } = {}) {
  const dirs = freshCliDirs();
  const file = join(dirs.cwd, 'report.json');
  writeFileSync(file, `{"signed with":"a key","gen":${gen},"nonce":"${randomBytes(4).toString('hex')}"}\n`);
  const r = await runCli(
    ['sign', file, '--key', key.private, '--key-password-stdin', ...trust(), '--json', '--debug', ...(o.extra ?? [])],
    { ...dirs, stdin: `${o.password ?? PASSWORD}\n`, env: { GHCR_BLOB_COSIGN: o.cosign ?? cosignPath(gen) } },
  );
  return { r, file, bundle: `${file}.sigstore.json`, dirs };
}

const bundleOf = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as {
    verificationMaterial: Record<string, unknown> & { tlogEntries?: unknown[] };
  };

describe.each(GENS)('cosign %i: sign --key, verify --key', (gen) => {
  it('signs with the password on stdin only (never argv, environment, output or a file); both verifiers accept the key', async () => {
    const cosign = recordingStandIn('cosign', cosignPath(gen));
    const s = await signWithKey(gen, { cosign: cosign.path });
    expect(s.r.exitCode, s.r.stderr).toBe(EXIT.OK);
    expect(JSON.parse(s.r.stdout)).toMatchObject({ bundlePath: s.bundle, key: key.private });
    expect(bundleOf(s.bundle).verificationMaterial.publicKey).toBeDefined();
    expect(bundleOf(s.bundle).verificationMaterial.tlogEntries).toHaveLength(1);
    const signing = cosign.invocations().filter((i) => i.args[0] === 'sign-blob' && !i.args.includes('--help'));
    expect(signing).toHaveLength(1);
    expect(signing[0]?.args).toContain('--key');
    expect(signing[0]?.env).not.toHaveProperty('COSIGN_PASSWORD');
    expect(signing[0]?.fds[0]).toMatch(/^(pipe|socket):/); // the password arrived on stdin
    const check = { secrets: [PASSWORD], forbiddenDirs: [s.dirs.home, s.dirs.dockerConfig] };
    expect(leaksIn(cosign.invocations(), check)).toEqual([]);
    expect(leaksInText(s.r.stdout + s.r.stderr, check)).toEqual([]);
    for (const dir of Object.values(s.dirs)) expect(filesContainingString(dir, PASSWORD)).toEqual([]);

    const ok = await verify(s.file, s.bundle, ['--key', key.public], { root: stack.trustedRootPath, gen });
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      verified: true,
      publicKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      rekorLogIndex: expect.any(Number),
      verifiers: ['sigstore-js', `cosign ${gen}`],
    });
  });

  it('another key, an identity policy, or --no-tlog-upload on a logged signature: refused (exit 3)', async () => {
    const s = await signWithKey(gen);
    expect(s.r.exitCode, s.r.stderr).toBe(EXIT.OK);
    const root = { root: stack.trustedRootPath, gen };
    expectRefusal(
      await verify(s.file, s.bundle, ['--key', otherKey.public], root),
      EXIT.VERIFICATION_FAILED,
      /signature/,
    );
    expectRefusal(
      await verify(s.file, s.bundle, exactly(SAN), root),
      EXIT.VERIFICATION_FAILED,
      /the bundle is signed with a key, and the policy names an identity/,
    );
    expectRefusal(
      await verify(s.file, s.bundle, ['--key', key.public, '--no-tlog-upload'], root),
      EXIT.VERIFICATION_FAILED,
      /has a transparency log entry, and --no-tlog-upload expects none/,
    );
  });

  it('--no-tlog-upload: no log entry; verify needs the matching choice', async () => {
    const s = await signWithKey(gen, { extra: ['--no-tlog-upload'] });
    expect(s.r.exitCode, s.r.stderr).toBe(EXIT.OK);
    expect(bundleOf(s.bundle).verificationMaterial.tlogEntries ?? []).toHaveLength(0);
    const root = { root: stack.trustedRootPath, gen };
    const ok = await verify(s.file, s.bundle, ['--key', key.public, '--no-tlog-upload'], root);
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK);
    expect(JSON.parse(ok.stdout).verifiers).toEqual(['sigstore-js', `cosign ${gen}`]);
    expectRefusal(
      await verify(s.file, s.bundle, ['--key', key.public], root),
      EXIT.VERIFICATION_FAILED,
      /has no transparency log entry/,
    );
  });

  it('a wrong password: exit 4, a clear message, no bundle, nothing left, the password not shown', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const s = await signWithKey(gen, { password: wrong });
    expectRefusal(s.r, EXIT.AUTH_FAILED, /cosign could not decrypt the signing key .*: wrong password/, [
      wrong,
      PASSWORD,
    ]);
    expect(readdirSync(s.dirs.cwd)).toEqual(['report.json']);
  });
});

describe("COSIGN_PASSWORD in ghcr-blob's environment", () => {
  it.each(GENS)('cosign %i: read in-process, handed to cosign on its stdin, never in its environment', async (gen) => {
    const cosign = recordingStandIn('cosign', cosignPath(gen));
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'report.json');
    writeFileSync(file, 'password from the environment\n');
    const r = await runCli(['sign', file, '--key', key.private, ...trust(), '--json'], {
      ...dirs,
      env: { GHCR_BLOB_COSIGN: cosign.path, COSIGN_PASSWORD: PASSWORD },
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const runs = cosign.invocations();
    expect(runs.length).toBeGreaterThanOrEqual(2); // detection, then the signing
    expect(leaksIn(runs, { secrets: [PASSWORD] })).toEqual([]);
    expect(runs.every((i) => !('COSIGN_PASSWORD' in i.env))).toBe(true);
    expect(leaksInText(r.stdout + r.stderr, { secrets: [PASSWORD] })).toEqual([]);
  });
});

describe('a keyless certificate never satisfies a key policy', () => {
  it.each(GENS)('cosign %i', async (gen) => {
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'report.json');
    writeFileSync(file, 'keyless bytes\n');
    const signed = await sign(file, { gen, stack, token: await stack.mintToken(RELEASE), dirs });
    expect(signed.exitCode, signed.stderr).toBe(EXIT.OK);
    expectRefusal(
      await verify(file, `${file}.sigstore.json`, ['--key', key.public], { root: stack.trustedRootPath, gen }),
      EXIT.VERIFICATION_FAILED,
      /the bundle carries a keyless certificate, and the policy names a key/,
    );
  });
});

describe('usage errors before anything is signed or read', () => {
  it.each<[string, string[], string | undefined, RegExp]>([
    [
      '--key with an identity flag',
      ['verify', 'x', '--bundle', 'b', '--key', 'k.pub', ...exactly(SAN)],
      undefined,
      /conflict/,
    ],
    [
      '--key-password-stdin without --key',
      ['sign', 'report.json', '--key-password-stdin'],
      'pw',
      /only apply with --key/,
    ],
    ['--key that does not exist', ['sign', 'report.json', '--key', 'nope.key'], '', /--key nope\.key: no such file/],
  ])('%s', async (_name, args, stdin, message) => {
    const dirs = freshCliDirs();
    writeFileSync(join(dirs.cwd, 'report.json'), 'x');
    const r = await runCli(args, { ...dirs, stdin, env: { GHCR_BLOB_COSIGN: cosignPath(3) } });
    expectRefusal(r, EXIT.USAGE, message);
    expect(readdirSync(dirs.cwd)).toEqual(['report.json']);
  });
});

describe('push --sign --key, pull --verify --key (cosign 3, oras from sid)', () => {
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ generation: 'sid' });
  });
  afterAll(async () => reg?.stop());

  it('the registry token comes from GHCR_TOKEN while the key password owns stdin; pull lands only what the key signed', async () => {
    const env = { GHCR_BLOB_ORAS: toolsFor('sid').oras, GHCR_BLOB_COSIGN: cosignPath(3), GHCR_TOKEN: reg.password };
    const dirs = freshCliDirs();
    const file = join(dirs.cwd, 'report.json');
    writeFileSync(file, '{"pushed":"with a key"}');
    const ref = `${reg.host}/octo/keyed:v1`;
    const pushed = await runCli(
      [
        'push',
        ref,
        file,
        '-u',
        reg.username,
        '--sign',
        '--key',
        key.private,
        '--key-password-stdin',
        ...trust(),
        '--json',
      ],
      { ...dirs, stdin: PASSWORD, env },
    );
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    expect(JSON.parse(pushed.stdout).signature).toMatchObject({ key: key.private });
    const twice = await runCli(
      [
        'push',
        ref,
        file,
        '-u',
        reg.username,
        '--password-stdin',
        '--sign',
        '--key',
        key.private,
        '--key-password-stdin',
      ],
      { ...dirs, stdin: PASSWORD, env },
    );
    expectRefusal(
      twice,
      EXIT.USAGE,
      /--password-stdin and --key-password-stdin both want stdin[^]*hint: pass the registry token in GHCR_TOKEN/,
      [PASSWORD],
    );

    const out = join(freshCliDirs().cwd, 'in');
    const pull = (policy: string[]) =>
      runCli(
        [
          'pull',
          ref,
          '-o',
          out,
          '-u',
          reg.username,
          '--verify',
          ...policy,
          '--trusted-root',
          stack.trustedRootPath,
          '--json',
        ],
        {
          env,
        },
      );
    const refused = await pull(['--key', otherKey.public]);
    expectRefusal(refused, EXIT.VERIFICATION_FAILED, /none matches the policy/, [reg.password]);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    const ok = await pull(['--key', key.public]);
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('{"pushed":"with a key"}');
    expect(JSON.parse(ok.stdout).verification).toMatchObject({ verifiers: ['sigstore-js', 'cosign 3'] });
  });
});
