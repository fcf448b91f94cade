// Issue 8, fail closed with signatures: push --sign moves its tag only once the signature is
// attached; pull --verify reads at most 1 MiB of a referrer's bundle whatever its manifest claims,
// skips referrers that are gone or malformed and still finds the good one; a referrers listing
// that never ends is stopped. Real registry behind the hostile proxy, real oras and cosign of both
// generations, the local Sigstore stack.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERRERS_PATH, startRegistryProxy, type RegistryProxy } from '../support/hostile/registry-proxy.js';
import { startSilentServer, type SilentServer } from '../support/hostile/silent-server.js';
import {
  BUNDLE_TYPE,
  EXIT,
  expectCleanFailure,
  expectNoResult,
  freshCliDirs,
  release,
  useKit,
} from '../support/kit.js';
import type { Registry } from '../support/registry.js';
import {
  getManifest,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  putBlob,
  putManifest,
  tagManifest,
} from '../support/registry-api.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
import { GENERATIONS, toolsFor, type Generation } from '../support/tools.js';

const RELEASE = release({ ref: 'refs/heads/main' });
const MiB = 1024 * 1024;
const REPO = 'octo/app';

describe.each(GENERATIONS)('signatures under a hostile registry, oras and cosign from %s', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true, release: RELEASE, repo: REPO });
  let reg: Registry;
  let proxy: RegistryProxy;
  let silent: SilentServer;
  let token: string;
  const ref = (tag: string) => `${proxy.host}/${REPO}:${tag}`;
  const push = (tag: string, content: string, identityToken: string) =>
    kit.push(ref(tag), kit.file(content), { sign: true, token: identityToken });
  const pullVerify = (target: string, extra: string[] = []) =>
    kit.pull(target, { out: 'out', cwd: freshCliDirs().cwd, verify: true, extra });
  const tagDigest = async (tag: string) => (await getManifest(reg, REPO, tag)).digest;
  /**
   * One `push --sign` of 'release one', made once (tag `release-one`) and copied to `tag`: for the
   * tests that only need a tag naming signed bytes, instead of each signing bytes of its own.
   * Tests that add referrers to their artifact (big, junk) still push their own.
   */
  let releaseOne: ReturnType<typeof push> | undefined;
  const signedReleaseOne = async (tag: string) => {
    releaseOne ??= push('release-one', 'release one', token);
    const first = await releaseOne;
    expect(first.exitCode, first.stderr).toBe(EXIT.OK);
    await tagManifest(reg, REPO, 'release-one', tag);
    return first;
  };

  /** Puts `descriptors` first in the subject's referrers (the `sha256-<hex>` fallback index). */
  async function prependReferrers(subject: string, descriptors: object[]): Promise<void> {
    const fallback = `sha256-${subject.slice('sha256:'.length)}`;
    const index = (await getManifest(reg, REPO, fallback)).json as { manifests: object[] };
    await putManifest(reg, REPO, fallback, { ...index, manifests: [...descriptors, ...index.manifests] }, OCI_INDEX);
  }

  /** A referrer of `subject` whose one layer is `blob`, claiming `claimedSize` bytes. */
  async function referrerWith(subject: { digest: string; size: number }, blob: Buffer, claimedSize = blob.length) {
    const layerDigest = await putBlob(reg, REPO, blob);
    const config = await putBlob(reg, REPO, '{}');
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: { mediaType: OCI_EMPTY, digest: config, size: 2 },
      layers: [
        {
          mediaType: BUNDLE_TYPE,
          digest: layerDigest,
          size: claimedSize,
          annotations: { 'org.opencontainers.image.title': 'report.json.sigstore.json' },
        },
      ],
      subject: { mediaType: OCI_MANIFEST, ...subject },
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await putManifest(reg, REPO, digest, bytes);
    return {
      layerDigest,
      descriptor: { mediaType: OCI_MANIFEST, digest, size: bytes.length, artifactType: BUNDLE_TYPE },
    };
  }

  beforeAll(async () => {
    reg = kit.reg;
    silent = await startSilentServer();
    proxy = await startRegistryProxy(reg);
    token = await kit.token();
  });
  afterAll(async () => Promise.all([proxy?.close(), silent?.close()]));

  it('push --sign with a token Fulcio refuses: exit 4, nothing pushed, the tag still points where it did', async () => {
    proxy.setRules([]);
    await signedReleaseOne('v1');
    const before = await tagDigest('v1');
    const expired = await kit.token({ ...RELEASE, expiresInSeconds: -300 });
    const r = await push('v1', 'release two, unsigned', expired);
    expectCleanFailure(r, EXIT.AUTH_FAILED, [reg.password, expired]);
    expect(r.stderr).toMatch(/nothing was pushed: the tag .*:v1 still points where it did/);
    expect(await tagDigest('v1')).toBe(before);
  });

  it('attaching fails after the untagged push: the tag did not move, and the output says where the upload is', async () => {
    await signedReleaseOne('v2');
    const before = await tagDigest('v2');
    // The referrer index update (tag schema fallback) is refused by the registry.
    proxy.setRules([{ path: /\/manifests\/sha256-/, method: 'PUT', fault: { kind: 'status', status: 400 } }]);
    try {
      const r = await push('v2', 'release two', token);
      expect(r.exitCode).not.toBe(EXIT.OK);
      expect(r.stderr).toMatch(
        /the tag .*:v2 was not moved: it still points where it did \(the upload stays untagged at .*@sha256:[a-f0-9]{64}\)/,
      );
      expectNoResult(r);
    } finally {
      proxy.setRules([]);
    }
    expect(await tagDigest('v2')).toBe(before);
    const ok = await pullVerify(ref('v2'));
    expect(ok.exitCode, ok.stderr).toBe(EXIT.OK); // the tag still names signed bytes
  });

  it('a referrer claiming a small bundle while its blob is 32 MiB: cut at 1 MiB, skipped; the good one after it verifies', async () => {
    proxy.setRules([]);
    const pushed = await push('big', 'content with a good signature', token);
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    const { digest, file } = JSON.parse(pushed.stdout) as { digest: string; file: unknown };
    expect(file).toBeTruthy();
    const subject = { digest, size: (await getManifest(reg, REPO, digest)).bytes.length };
    const liar = await referrerWith(subject, randomBytes(32 * MiB), 100);
    await prependReferrers(digest, [liar.descriptor]);
    proxy.clearLog();
    const r = await pullVerify(ref('big'));
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.stderr).toMatch(new RegExp(`Skipping signature ${liar.descriptor.digest.slice(0, 19)}`));
    expect(r.stderr).toMatch(/Verified: .*after skipping 1 unusable signature/);
    // Far less than the blob was read: the cap is on bytes arriving, not on the claimed size. What the
    // proxy served beyond the 1 MiB cap is what was in flight when oras was stopped: loopback socket
    // buffers (autotuned to several MiB) on both legs of the registry fence, and its 1 MiB stream buffers.
    const served = proxy.bytesServed(`/v2/${REPO}/blobs/${liar.layerDigest}`);
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(16 * MiB);
  });

  it('referrers that are gone (404) or malformed are skipped and listed; the good one still verifies', async () => {
    proxy.setRules([]);
    const pushed = await push('junk', 'content with junk referrers first', token);
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    const { digest } = JSON.parse(pushed.stdout) as { digest: string };
    const subject = { digest, size: (await getManifest(reg, REPO, digest)).bytes.length };
    const gone = (await referrerWith(subject, Buffer.from('{}'))).descriptor;
    const malformed = await referrerWith(subject, Buffer.from('{"this is": "not a bundle"}'));
    await prependReferrers(digest, [gone, malformed.descriptor]);
    // The first one has vanished from the registry since it was listed.
    proxy.setRules([{ path: new RegExp(`/manifests/${gone.digest}$`), fault: { kind: 'status', status: 404 } }]);
    const r = await pullVerify(ref('junk'), ['--json']);
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    const out = JSON.parse(r.stdout) as { verification: { skippedSignatures: { digest: string; reason: string }[] } };
    expect(out.verification.skippedSignatures.map((s) => s.digest)).toEqual([gone.digest, malformed.descriptor.digest]);
    expect(r.stderr).toMatch(/after skipping 2 unusable signatures/);
    expect(out.verification.skippedSignatures[0]!.reason).toMatch(/not found|404/i);
    expect(out.verification.skippedSignatures[1]!.reason).toMatch(/not a Sigstore (signature )?bundle|not valid JSON/);
    proxy.setRules([]);
  });

  /**
   * The tag moves between pull --verify's two first requests: the manifest fetch (GET) sees `fetched`,
   * the referrers listing started beside it (oras 1.3 resolves the tag with HEAD) sees `listed`.
   */
  async function pullWhileTagMoves(fetched: string, listed: string) {
    proxy.setRules([
      {
        path: new RegExp(`^/v2/${REPO}/manifests/${fetched}$`),
        method: 'HEAD',
        fault: { kind: 'askFor', path: `/v2/${REPO}/manifests/${listed}` },
      },
    ]);
    proxy.clearLog();
    try {
      const out = join(freshCliDirs().cwd, 'out');
      const r = await kit.pull(ref(fetched), { out, verify: true, extra: ['--json'] });
      const listedMoved = proxy.requests.some((q) => q.fault === 'askFor');
      return { r, out, listedMoved };
    } finally {
      proxy.setRules([]);
    }
  }

  it('the tag moves to unsigned bytes between the manifest fetch and the listing beside it: the fetched digest is listed again and verified; its bytes land', async () => {
    const a = await signedReleaseOne('moving-a');
    const b = await kit.push(ref('moving-b'), kit.file('unsigned content the tag moved to'));
    expect(b.exitCode, b.stderr).toBe(EXIT.OK);
    const { r, out, listedMoved } = await pullWhileTagMoves('moving-a', 'moving-b');
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    // oras 1.3 lists beside the manifest fetch (and saw the moved tag); 1.2 lists by digest only.
    expect(listedMoved).toBe(gen === 'sid');
    const pulled = JSON.parse(r.stdout) as { digest: string; file: { path: string } };
    expect(pulled.digest).toBe(JSON.parse(a.stdout).digest);
    expect(readFileSync(pulled.file.path, 'utf8')).toBe('release one');
    expect(readdirSync(out)).toEqual([basename(pulled.file.path)]);
  });

  it('evil: the listing beside the manifest fetch sees the tag on signed bytes, the fetch got unsigned ones: exit 3, nothing lands', async () => {
    await signedReleaseOne('evil-signed');
    const unsigned = await kit.push(ref('evil-unsigned'), kit.file('unsigned content the tag names'));
    expect(unsigned.exitCode, unsigned.stderr).toBe(EXIT.OK);
    const { r, out, listedMoved } = await pullWhileTagMoves('evil-unsigned', 'evil-signed');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(listedMoved).toBe(gen === 'sid');
    expect(r.stderr).toMatch(new RegExp(`no signature is attached to .*@${JSON.parse(unsigned.stdout).digest}`));
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('a referrers listing whose next page is itself: stopped at the step budget, exit 7, nothing landed', async () => {
    proxy.setRules([
      { path: REFERRERS_PATH, method: 'GET', fault: { kind: 'referrersLoop', maxPages: 1_000_000, linkTo: 'self' } },
    ]);
    proxy.clearLog();
    const oras = recordingStandIn('oras', toolsFor(gen).oras);
    try {
      const dirs = freshCliDirs();
      const r = await kit.pull(ref('v1'), {
        out: 'out',
        cwd: dirs.cwd,
        verify: true,
        extra: ['--timeout', '2s'],
        env: { GHCR_BLOB_ORAS: oras.path },
      });
      expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
      expect(r.stderr).toMatch(/^error: oras discover .* did not finish within 2s/m);
      expect(readdirSync(dirs.cwd)).toEqual([]);
      // The loop was real (oras followed the link to the same page again), and it was cut: every
      // oras is gone (its lifeline closed), and no page was asked for after that.
      await Promise.all(oras.invocations().map((i) => i.exited()));
      const pages = proxy.requestsTo(REFERRERS_PATH).length;
      expect(pages).toBeGreaterThanOrEqual(2);
      const discover = oras.invocations().filter((i) => subcommand(i) === 'discover');
      expect(discover.length).toBeGreaterThan(0);
      await new Promise((r) => setImmediate(r));
      expect(proxy.requestsTo(REFERRERS_PATH).length).toBe(pages);
    } finally {
      proxy.setRules([]);
    }
  });

  it('verify <ref> against a registry that never answers: exit 7 within the limit', async () => {
    const r = await kit.verify(`${silent.host}/${REPO}:v1`, {
      auth: 'none',
      env: kit.env(),
      extra: ['--timeout', '1s', '-u', 'x'],
    });
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, [reg.password]);
    expect(r.stderr).toMatch(/stalled: no progress for 1s/);
    expect(existsSync(join(r.cwd, 'out'))).toBe(false);
  });
});
