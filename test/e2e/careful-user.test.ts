// Small things a careful user hits (issue 19), end to end against a real registry, real oras and
// cosign and the local Sigstore stack: a tag moving off a signed artifact, whom a 401 was for, a
// Sigstore service out of reach while signing, the two spellings of --expect-digest and the
// manifest digest handed in by mistake, the bundle's mode, and `verify` of a file that is not there.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, listFilesRecursive, runCli } from '../support/cli.js';
import { EXIT, expectCleanFailure } from '../support/expect.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { toolsFor } from '../support/tools.js';
import { RELEASE, WORKFLOW } from './sign-verify.shared.js';

const sid = toolsFor('sid');
let reg: Registry;
let stack: SigstoreStack;
let token: string;

beforeAll(async () => {
  [reg, stack] = await Promise.all([startRegistry({ generation: 'sid' }), startSigstoreStack()]);
  token = await stack.mintToken(RELEASE);
});
afterAll(async () => Promise.all([reg?.stop(), stack?.close()]));

const env = (extra: Record<string, string> = {}) => ({
  GHCR_BLOB_ORAS: sid.oras,
  GHCR_BLOB_COSIGN: sid.cosign,
  GHCR_TOKEN: reg.password,
  ...extra,
});
const trust = () => ['--signing-config', stack.signingConfigPath, '--trusted-root', stack.trustedRootPath];
const fileWith = (content: string) => {
  const path = join(freshCliDirs().cwd, 'report.json');
  writeFileSync(path, content);
  return path;
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function push(tag: string, content: string, extra: string[] = []) {
  const signed = extra.includes('--sign');
  return runCli(
    [
      'push',
      `${reg.host}/careful/app:${tag}`,
      fileWith(content),
      '-u',
      reg.username,
      ...extra,
      ...(signed ? ['--identity-token-stdin', ...trust()] : []),
    ],
    { env: env(), stdin: signed ? token : '' },
  );
}
const tagged = async (tag: string) => {
  const r = await runCli(
    ['pull', `${reg.host}/careful/app:${tag}`, '-o', freshCliDirs().cwd, '-u', reg.username, '--json'],
    { env: env() },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout).digest as string;
};

describe('re-pushing over a tag that points at a signed artifact', () => {
  it('unsigned bytes over it are refused without --force (2), and the tag stays where it was', async () => {
    const signed = await push('signed', 'v1, signed', ['--sign', '--json']);
    expect(signed.exitCode, signed.stderr).toBe(0);
    const before = JSON.parse(signed.stdout).digest as string;
    const r = await push('signed', 'v2, unsigned');
    expectCleanFailure(r, EXIT.USAGE, [reg.password]);
    expect(r.stderr).toContain(
      `careful/app:signed points at a signed artifact (${reg.host}/careful/app@${before}, 1 signature)`,
    );
    expect(r.stderr).toMatch(/hint: sign the new file with --sign, push it under another tag, or pass --force/);
    expect(await tagged('signed')).toBe(before);
  });

  it('with --force it moves, and says so', async () => {
    expect((await push('forced', 'v1, signed', ['--sign'])).exitCode).toBe(0);
    const r = await push('forced', 'v2, unsigned', ['--force', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: .*careful\/app:forced points at a signed artifact .*the tag moves to the new UNSIGNED artifact$/m,
    );
    expect(await tagged('forced')).toBe(JSON.parse(r.stdout).digest);
  });

  it('signed bytes over it move it with a warning; over an unsigned or new tag, no warning', async () => {
    expect((await push('resigned', 'v1, signed', ['--sign'])).exitCode).toBe(0);
    const r = await push('resigned', 'v2, signed', ['--sign']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*the tag moves to the new signed artifact$/m);
    const first = await push('plain', 'v1');
    const second = await push('plain', 'v2');
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(first.stderr + second.stderr).not.toMatch(/warning/);
  });
});

describe('a 401 names the user it sent', () => {
  it("no -u and no GITHUB_ACTOR: ghcr-blob's placeholder, said to be one (4)", async () => {
    const r = await runCli(['push', `${reg.host}/careful/auth:v1`, fileWith('x')], {
      env: env({ GHCR_TOKEN: 'not-the-password' }),
    });
    expectCleanFailure(r, EXIT.AUTH_FAILED, ['not-the-password']);
    expect(r.stderr).toMatch(/^ {2}sent as user "ghcr-blob", ghcr-blob's placeholder .* -u USER$/m);
  });

  it('-u: that user', async () => {
    const r = await runCli(['pull', `${reg.host}/careful/auth:v1`, '-o', freshCliDirs().cwd, '-u', 'octocat'], {
      env: env({ GHCR_TOKEN: 'not-the-password' }),
    });
    expectCleanFailure(r, EXIT.AUTH_FAILED, ['not-the-password']);
    expect(r.stderr).toMatch(/^ {2}sent as user "octocat"$/m);
  });
});

describe('a Sigstore service out of reach while signing is the network (7), for cosign 2 and 3', () => {
  it.each(['trixie', 'sid'] as const)("Rekor's name does not resolve (%s)", async (gen) => {
    const config = JSON.parse(readFileSync(stack.signingConfigPath, 'utf8'));
    for (const log of config.rekorTlogUrls) log.url = 'http://rekor.invalid';
    const dir = freshCliDirs().cwd;
    const signingConfig = join(dir, 'signing-config.json');
    writeFileSync(signingConfig, JSON.stringify(config));
    const file = fileWith('signed nowhere');
    const r = await runCli(
      [
        'sign',
        file,
        '--identity-token-stdin',
        '--signing-config',
        signingConfig,
        '--trusted-root',
        stack.trustedRootPath,
      ],
      { env: env({ GHCR_BLOB_COSIGN: toolsFor(gen).cosign }), stdin: token },
    );
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [token]);
    expect(r.stderr).toMatch(/^error: cosign sign-blob could not reach a Sigstore service: .*rekor\.invalid/m);
    expect(r.stderr).toMatch(/^hint: check network access to Fulcio, Rekor/m);
    expect(listFilesRecursive(join(file, '..'))).toEqual(['report.json']);
  });

  it('the TUF repository, through a proxy that is down (cosign 3, public-good services)', async () => {
    const r = await runCli(['sign', fileWith('signed nowhere'), '--identity-token-stdin'], {
      env: env({ HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' }),
      stdin: token,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.REGISTRY_UNREACHABLE);
    expect(r.stderr).toMatch(/^error: cosign sign-blob could not reach a Sigstore service: /m);
    expect(r.stdout + r.stderr).not.toContain(token);
  });
});

describe('--expect-digest', () => {
  let pinnedManifest: string;
  const content = '{"pinned":true}\n';
  beforeAll(async () => {
    const r = await push('pin', content, ['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    pinnedManifest = JSON.parse(r.stdout).digest;
  });
  const pull = (digest: string) => {
    const out = freshCliDirs().cwd;
    return runCli(['pull', `${reg.host}/careful/app:pin`, '-o', out, '-u', reg.username, '--expect-digest', digest], {
      env: env(),
    }).then((r) => ({ r, out }));
  };

  it('takes the bare hex sha256sum prints, as it takes sha256:<hex>', async () => {
    for (const spelling of [sha256(content), `sha256:${sha256(content)}`]) {
      const { r, out } = await pull(spelling);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(content);
    }
  });

  it('handed the manifest digest push printed: refused (3), and the mix-up is named', async () => {
    const { r, out } = await pull(pinnedManifest);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password], [out]);
    expect(r.stderr).toContain(
      `${pinnedManifest} is this artifact's manifest digest (what push prints), not its file's sha256`,
    );
    expect(r.stderr).toContain(`(here sha256:${sha256(content)})`);
  });

  it('another wrong digest: refused (3) without that explanation', async () => {
    const { r } = await pull(sha256('something else'));
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(r.stderr).not.toContain('manifest digest');
  });
});

it('sign writes the bundle 0644, like the file: a bundle is public data', async () => {
  const file = fileWith('bundle mode');
  const r = await runCli(['sign', file, '--identity-token-stdin', ...trust()], { env: env(), stdin: token });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(statSync(`${file}.sigstore.json`).mode & 0o777).toBe(0o644);
});

it('verify of a file that is not there: "no such file" (2), not "invalid reference"', async () => {
  const r = await runCli(
    [
      'verify',
      'nothere.bin',
      '--github-workflow',
      `${WORKFLOW}@refs/tags/v1.2.0`,
      '--trusted-root',
      stack.trustedRootPath,
    ],
    {
      env: env(),
    },
  );
  expectCleanFailure(r, EXIT.USAGE, []);
  expect(r.stderr).toMatch(/^error: nothere\.bin: no such file, and not a registry reference$/m);
  expect(r.stderr).not.toMatch(/invalid reference/);
});
