// Issue 4's threats, end to end: a real registry, real oras and cosign (both generations), the
// local Sigstore stack. Each attack must end with the verification exit code and nothing landed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_TYPE,
  byWorkflow,
  EXIT,
  expectCleanFailure,
  freshCliDirs,
  listFilesRecursive,
  release,
  sha256,
  signingFlags,
  useKit,
} from '../support/kit.js';
import { attachLikeOras } from '../support/attestation-referrer.js';
import { craftArtifact, getManifest, listTags, tagManifest } from '../support/registry-api.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';
import { GENERATIONS, toolsFor, type Generation } from '../support/tools.js';

const RELEASE = release({ ref: 'refs/heads/main' });

describe.each(GENERATIONS)('push --sign / pull --verify with oras and cosign from %s', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true, release: RELEASE });
  let other: SigstoreStack; // another trust root
  let tokens: Record<string, string>;
  const secrets = () => kit.secrets();
  /**
   * One `push --sign` of 'genuine' under the tag `genuine`, made once: the tests that need "a tag
   * that held a genuinely signed blob" copy it to their own tag (tagManifest), instead of each
   * signing the same bytes again (every such push made the same manifest and added one more
   * signature to it). The good path still runs its own push --sign and checks its output.
   */
  let genuine: { digest: string; pinnedReference: string };
  /** The release identity's valid bundle over other bytes (local `sign`), made once. */
  let otherBytesBundle: Promise<string> | undefined;

  beforeAll(async () => {
    [other, tokens] = await Promise.all([
      startSigstoreStack(),
      (async () => ({
        release: await kit.token(),
        otherRepo: await kit.token({ ...RELEASE, repository: 'octo/tools-evil' }),
        otherWorkflow: await kit.token({ ...RELEASE, workflowPath: '.github/workflows/release.yml.evil' }),
        otherRef: await kit.token({ ...RELEASE, ref: 'refs/heads/dev' }),
      }))(),
    ]);
    tokens.otherRoot = await kit.token(RELEASE, other);
    genuine = await pushSigned('genuine', 'genuine');
  });
  afterAll(async () => other?.close());

  const ref = (tag: string) => kit.ref(tag);
  const pushSigned = async (tag: string, content: string, token = tokens.release, stack = kit.stack) => {
    const r = await kit.push(ref(tag), kit.file(content), { sign: true, token, stack });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.json;
  };
  /** `tag` now names the signed 'genuine' artifact (pushed once in beforeAll). */
  const tagGenuine = async (tag: string) => {
    await tagManifest(kit.reg, 'octo/app', 'genuine', tag);
    return genuine;
  };
  const pushPlain = async (tag: string, content: string) => {
    const r = await kit.push(ref(tag), kit.file(content));
    expect(r.exitCode, r.stderr).toBe(0);
    return r.json;
  };
  const pullVerified = async (tag: string, extra: string[] = []) => {
    const r = await kit.pull(ref(tag), { verify: true, extra });
    return { r, out: r.out! };
  };
  /** Attaches an arbitrary file as a bundle referrer, with raw oras (what an attacker could do). */
  const attachRaw = async (subject: string, path: string) => {
    const dir = join(path, '..');
    const name = path.slice(dir.length + 1);
    const r = await execa(
      toolsFor(gen).oras,
      [
        'attach',
        '--artifact-type',
        BUNDLE_TYPE,
        '-u',
        kit.reg.username,
        '--password-stdin',
        '--registry-config',
        join(freshCliDirs().home, 'cfg.json'),
        subject,
        `${name}:${BUNDLE_TYPE}`,
      ],
      { cwd: dir, input: kit.reg.password, reject: false },
    );
    expect(r.exitCode, r.stderr).toBe(0);
  };
  /** A valid bundle over other bytes, signed by the release identity. */
  const bundleForOtherBytes = () => {
    otherBytesBundle ??= (async () => {
      const other = kit.file('other bytes', 'other.json');
      const r = await kit.sign(other, { token: tokens.release, json: false });
      expect(r.exitCode, r.stderr).toBe(0);
      return `${other}.sigstore.json`;
    })();
    return otherBytesBundle;
  };

  it('the good path: push --sign, then pull --verify lands exactly the signed bytes', async () => {
    const pushed = await pushSigned('good', '{"release":1}');
    expect(pushed.signature).toMatchObject({
      identity: 'https://github.com/octo/tools/.github/workflows/release.yml@refs/heads/main',
      bundleDigest: expect.stringMatching(/^sha256:/),
    });
    expect(pushed.file.digest).toBe(sha256('{"release":1}'));
    const { r, out } = await pullVerified('good', ['--json', '--expect-digest', sha256('{"release":1}')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('{"release":1}');
    const json = JSON.parse(r.stdout);
    expect(json.digest).toBe(pushed.digest);
    expect(json.verification).toMatchObject({
      identity: pushed.signature.identity,
      digest: sha256('{"release":1}'),
      signatureDigest: pushed.signature.digest,
      verifiers: ['sigstore-js', expect.stringMatching(/^cosign [23]$/)],
    });
    for (const s of secrets()) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('verify <ref> checks the attached signature and writes nothing', async () => {
    await tagGenuine('remote');
    const cwd = freshCliDirs().cwd;
    const ok = await kit.verify(ref('remote'), { json: true, cwd });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.json.verification.digest).toBe(sha256('genuine'));
    expect(listFilesRecursive(cwd)).toEqual([]);
    const evil = await kit.verify(ref('remote'), {
      policy: byWorkflow('octo/tools-evil/.github/workflows/release.yml'),
      cwd,
    });
    expectCleanFailure(evil, EXIT.VERIFICATION_FAILED, secrets(), [cwd]);
  });

  it('sign <ref> signs an already-pushed blob, which then verifies', async () => {
    await pushPlain('later', 'signed later');
    const before = await pullVerified('later');
    expectCleanFailure(before.r, EXIT.VERIFICATION_FAILED, secrets());
    expect(before.r.stderr).toMatch(/no signature is attached/);
    const signed = await kit.sign(ref('later'), { token: tokens.release, json: false });
    expect(signed.exitCode, signed.stderr).toBe(0);
    const after = await pullVerified('later');
    expect(after.r.exitCode, after.r.stderr).toBe(0);
  });

  it('threat 1: the tag is moved to a different, unsigned blob', async () => {
    await tagGenuine('t1');
    await pushPlain('t1-evil', 'malware');
    await tagManifest(kit.reg, 'octo/app', 't1-evil', 't1');
    const { r, out } = await pullVerified('t1');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
    expect(r.stderr).toMatch(/no signature is attached/);
    expect(() => listFilesRecursive(out)).toThrow(); // not even the folder
  });

  it.each([
    ['another repository', 'otherRepo', /octo\/tools-evil/],
    ['another workflow file', 'otherWorkflow', /release\.yml\.evil/],
    ['another ref', 'otherRef', /refs\/heads\/dev/],
  ])('threat 2: the tag is moved to a blob signed by %s', async (_n, who, signer) => {
    const tag = `t2-${who}`;
    await tagGenuine(tag);
    await pushSigned(`${tag}-evil`, 'malware', tokens[who]);
    await tagManifest(kit.reg, 'octo/app', `${tag}-evil`, tag);
    const { r } = await pullVerified(tag);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
    expect(r.stderr).toMatch(/1 signature found, by .*none matches the policy/);
    expect(r.stderr).toMatch(signer);
  });

  it('threat 3: the signature is replaced by a bundle for different bytes', async () => {
    const pushed = await pushPlain('t3', 'genuine');
    await attachRaw(pushed.pinnedReference, await bundleForOtherBytes());
    const { r } = await pullVerified('t3');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
    expect(r.stderr).toMatch(/not the file this bundle signs/);
  });

  it('threat 3b: a bundle for different bytes joined to a valid one does not hide it', async () => {
    const pushed = await tagGenuine('t3b');
    await attachRaw(pushed.pinnedReference, await bundleForOtherBytes());
    const { r, out } = await pullVerified('t3b');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('genuine');
  });

  it('threat 4: a valid bundle from another trust root', async () => {
    await pushSigned('t4', 'genuine', tokens.otherRoot, other);
    const { r } = await pullVerified('t4');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
  });

  it('threat 5: dozens of junk referrers: bounded, the valid one still found within the cap', async () => {
    await tagGenuine('t5');
    await pushPlain('t5-junk', 'unsigned');
    // Written over the API as oras attach would (threat 3 attaches with raw oras itself).
    for (const tag of ['t5', 't5-junk']) {
      const m = await getManifest(kit.reg, 'octo/app', tag);
      const subject = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
      for (let i = 0; i < 33; i++)
        await attachLikeOras(kit.reg, 'octo/app', subject, `{"junk":${i}}`, {
          artifactType: BUNDLE_TYPE,
          title: `junk-${i}.json`,
        });
    }
    const good = await pullVerified('t5');
    expect(good.r.exitCode, good.r.stderr).toBe(0);
    // At least the 34 attached to 'genuine' (other tests attach more to the same manifest).
    const attached = Number(/(\d+) signatures attached; examining the first 32 only/.exec(good.r.stderr)?.[1]);
    expect(attached, good.r.stderr).toBeGreaterThanOrEqual(34);
    const bad = await pullVerified('t5-junk');
    expectCleanFailure(bad.r, EXIT.VERIFICATION_FAILED, secrets());
    // Junk is unusable, not a rejected signature: skipped, counted, and the cap still applies.
    expect(bad.r.stderr).toMatch(
      /no usable signature .*; 32 unusable signatures skipped; 1 more not examined \(limit 32\)/,
    );
  });

  it.each([
    [
      'two layers',
      [
        { content: 'a', title: 'a' },
        { content: 'b', title: 'b' },
      ],
      /2 layers/,
    ],
    ['a ../ title', [{ content: 'evil', title: '../x' }], /not a plain file name/],
  ])('threat 6: a manifest with %s', async (_n, layers, why) => {
    await craftArtifact(kit.reg, 'octo/app', 't6', layers);
    const { r } = await pullVerified('t6');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
    expect(r.stderr).toMatch(why);
  });

  it('a wrong --expect-digest with --verify lands nothing', async () => {
    await tagGenuine('pin');
    const { r } = await pullVerified('pin', ['--expect-digest', sha256('something else')]);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, secrets());
  });

  it('policy flags without --verify are refused, so nobody believes an unverified pull was verified', async () => {
    const r = await kit.pull(ref('good'), { extra: kit.policy });
    expectCleanFailure(r, EXIT.USAGE, secrets());
    expect(r.stderr).toMatch(/--github-workflow only take effect with --verify/);
  });

  it('push --sign pushes nothing when signing cannot happen (no token, no cosign, two stdin secrets)', async () => {
    const file = kit.file('never pushed');
    // --sign without --identity-token-stdin: the kit's signing flags, no token on stdin.
    const signing = [...signingFlags(kit.stack)];
    const push = (extra: string[], o: { stdin?: string; env?: Record<string, string> } = {}) =>
      kit.push(ref('unsigned-never'), file, { json: false, extra: ['--sign', ...signing, ...extra], ...o });
    const noToken = await push([]);
    expectCleanFailure(noToken, EXIT.USAGE, secrets());
    expect(noToken.stderr).toMatch(/no identity token/);
    const noCosign = await push(['--identity-token-stdin'], {
      stdin: tokens.release,
      env: { GHCR_BLOB_COSIGN: '/nonexistent/cosign' },
    });
    expectCleanFailure(noCosign, EXIT.TOOL_MISSING, secrets());
    const twoSecrets = await push(['--identity-token-stdin', '--password-stdin'], { stdin: tokens.release });
    expectCleanFailure(twoSecrets, EXIT.USAGE, secrets());
    expect(twoSecrets.stderr).toMatch(/both want stdin/);
    expect(await listTags(kit.reg, 'octo/app')).not.toContain('unsigned-never');
  });

  it('sign <ref>: an unknown tag is not found, and --bundle does not apply', async () => {
    const sign = (target: string, extra: string[] = []) =>
      kit.sign(target, { token: tokens.release, json: false, extra });
    expectCleanFailure(await sign(ref('no-such-tag')), EXIT.NOT_FOUND, secrets());
    const withBundle = await sign(ref('good'), ['--bundle', 'x.json']);
    expectCleanFailure(withBundle, EXIT.USAGE, secrets());
    const neither = await sign('not-a-file-nor-a-reference');
    expectCleanFailure(neither, EXIT.USAGE, secrets());
    expect(neither.stderr).toMatch(/no such file, and not a registry reference/);
  });

  it('pull --verify without a policy is a usage error before any download', async () => {
    const r = await kit.pull(ref('good'), { extra: ['--verify'] });
    expectCleanFailure(r, EXIT.USAGE, secrets());
  });
});
