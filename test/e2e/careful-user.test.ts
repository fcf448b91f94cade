// Small things a careful user hits (issue 19), end to end against a real registry, real oras and
// cosign and the local Sigstore stack: a tag moving off a signed artifact, whom a 401 was for, a
// Sigstore service out of reach while signing, the two spellings of --expect-digest and the
// manifest digest handed in by mistake, the bundle's mode, and `verify` of a file that is not there.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cosignOf,
  EXIT,
  expectCleanFailure,
  freshCliDirs,
  listFilesRecursive,
  type Run,
  useKit,
} from '../support/kit.js';

const kit = useKit({ gen: 'sid', sigstore: true, repo: 'careful/app' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const push = (tag: string, content: string, o: { sign?: boolean; extra?: string[] } = {}) =>
  kit.push(kit.ref(tag), kit.file(content), o);
/** The manifest digest a tag points at, read with a plain pull. */
const tagged = async (tag: string) => {
  const r = await kit.pull(kit.ref(tag), { json: true });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.json.digest as string;
};
const expectNothingLeft = (r: Run) => expect(r.left).toEqual([]);

describe('re-pushing over a tag that points at a signed artifact', () => {
  it('unsigned bytes over it are refused without --force (2), and the tag stays where it was', async () => {
    const signed = await push('signed', 'v1, signed', { sign: true });
    expect(signed.exitCode, signed.stderr).toBe(0);
    const before = signed.json.digest as string;
    const r = await push('signed', 'v2, unsigned');
    expectCleanFailure(r, EXIT.USAGE, kit.secrets());
    expectNothingLeft(r);
    expect(r.stderr).toContain(
      `careful/app:signed points at a signed artifact (${kit.reg.host}/careful/app@${before}, 1 signature)`,
    );
    expect(r.stderr).toMatch(/^hint: sign the new file with --sign, push it under another tag, or pass --force/m);
    expect(await tagged('signed')).toBe(before);
  });

  it('with --force it moves, and says so', async () => {
    expect((await push('forced', 'v1, signed', { sign: true })).exitCode).toBe(0);
    const r = await push('forced', 'v2, unsigned', { extra: ['--force'] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: .*careful\/app:forced points at a signed artifact .*the tag moves to the new UNSIGNED artifact$/m,
    );
    expect(await tagged('forced')).toBe(r.json.digest);
  });

  it('signed bytes over it move it with a warning; over an unsigned or new tag, no warning', async () => {
    expect((await push('resigned', 'v1, signed', { sign: true })).exitCode).toBe(0);
    const r = await push('resigned', 'v2, signed', { sign: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: .*the tag moves to the new signed artifact$/m);
    expect(await tagged('resigned')).toBe(r.json.digest);
    const first = await push('plain', 'v1');
    const second = await push('plain', 'v2');
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(first.stderr + second.stderr).not.toMatch(/warning/);
  });
});

describe('a 401 names the user it sent', () => {
  it("no -u and no GITHUB_ACTOR: ghcr-blob's placeholder, said to be one (4)", async () => {
    const r = await kit.push(kit.ref('auth'), kit.file('x'), { auth: 'none', env: { GHCR_TOKEN: 'not-the-password' } });
    expectCleanFailure(r, EXIT.AUTH_FAILED, ['not-the-password', ...kit.secrets()]);
    expect(r.stderr).toMatch(/^ {2}sent as user "ghcr-blob", ghcr-blob's placeholder .* -u USER$/m);
  });

  it('-u: that user', async () => {
    const r = await kit.pull(kit.ref('auth'), {
      auth: 'none',
      extra: ['-u', 'octocat'],
      env: { GHCR_TOKEN: 'not-the-password' },
    });
    expectCleanFailure(r, EXIT.AUTH_FAILED, ['not-the-password', ...kit.secrets()]);
    expect(r.stderr).toMatch(/^ {2}sent as user "octocat"$/m);
  });
});

describe('a Sigstore service out of reach while signing is the network (7), for cosign 2 and 3', () => {
  it.each([2, 3] as const)("Rekor's name does not resolve (cosign %i)", async (major) => {
    const config = JSON.parse(readFileSync(kit.stack.signingConfigPath, 'utf8'));
    for (const log of config.rekorTlogUrls) log.url = 'http://rekor.invalid';
    const signingConfig = join(freshCliDirs().cwd, 'signing-config.json');
    writeFileSync(signingConfig, JSON.stringify(config));
    const file = kit.file('signed nowhere');
    const r = await kit.run(
      [
        'sign',
        file,
        '--identity-token-stdin',
        '--signing-config',
        signingConfig,
        '--trusted-root',
        kit.stack.trustedRootPath,
      ],
      { env: { GHCR_BLOB_COSIGN: cosignOf(major) }, stdin: await kit.token() },
    );
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, kit.secrets());
    expectNothingLeft(r);
    expect(r.stderr).toMatch(/^error: cosign sign-blob could not reach a Sigstore service: .*rekor\.invalid/m);
    expect(r.stderr).toMatch(/^hint: check network access to Fulcio, Rekor/m);
    expect(listFilesRecursive(dirname(file))).toEqual(['report.json']); // no bundle
  });

  it('the TUF repository, through a proxy that is down (cosign 3, public-good services)', async () => {
    const r = await kit.run(['sign', kit.file('signed nowhere'), '--identity-token-stdin'], {
      env: { HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' },
      stdin: await kit.token(),
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.REGISTRY_UNREACHABLE);
    expect(r.stderr).toMatch(/^error: cosign sign-blob could not reach a Sigstore service: /m);
    for (const secret of kit.secrets()) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});

describe('--expect-digest', () => {
  const content = '{"pinned":true}\n';
  let manifestDigest: string;
  const pullPinned = async (digest: string) => {
    if (!manifestDigest) {
      const pushed = await push('pin', content);
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      manifestDigest = pushed.json.digest;
    }
    return kit.pull(kit.ref('pin'), { extra: ['--expect-digest', digest] });
  };

  it('takes the bare hex sha256sum prints, as it takes sha256:<hex>', async () => {
    for (const spelling of [sha256(content), `sha256:${sha256(content)}`]) {
      const r = await pullPinned(spelling);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.landed).toEqual(['report.json']);
      expect(readFileSync(join(r.out!, 'report.json'), 'utf8')).toBe(content);
    }
  });

  it('handed the manifest digest push printed: refused (3), and the mix-up is named', async () => {
    await pullPinned(sha256(content));
    const r = await pullPinned(manifestDigest);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(r.landed).toBeNull();
    expectNothingLeft(r);
    expect(r.stderr).toContain(
      `${manifestDigest} is this artifact's manifest digest (what push prints), not its file's sha256`,
    );
    expect(r.stderr).toContain(`(here sha256:${sha256(content)})`);
  });

  it('another wrong digest: refused (3) without that explanation', async () => {
    const r = await pullPinned(sha256('something else'));
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(r.landed).toBeNull();
    expect(r.stderr).not.toContain('manifest digest');
  });
});

it('sign writes the bundle 0644, like the file: a bundle is public data', async () => {
  const file = kit.file('bundle mode');
  const r = await kit.sign(file);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(statSync(`${file}.sigstore.json`).mode & 0o777).toBe(0o644);
});

it('verify of a file that is not there: "no such file" (2), not "invalid reference"', async () => {
  const r = await kit.verify('nothere.bin', { auth: 'none' });
  expectCleanFailure(r, EXIT.USAGE, kit.secrets());
  expect(r.stderr).toMatch(/^error: nothere\.bin: no such file, and not a registry reference$/m);
  expect(r.stderr).not.toMatch(/invalid reference/);
});
