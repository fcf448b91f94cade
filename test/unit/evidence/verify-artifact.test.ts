// verifyArtifact, the heart of `pull --verify` and `verify REF`, against a fake Oras (an in-memory
// registry) and a recording Runner (cosign's answers scripted), with real bundles from an
// in-process mock Sigstore: which candidates are skipped, which rejected, that the first good one
// wins, that the download is stopped when nothing usable is attached, and that the caps hold.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BUNDLE_BYTES, MAX_CANDIDATES } from '../../../src/artifact/referrers.js';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { privateTempDir } from '../../../src/core/fs.js';
import type { Logger } from '../../../src/core/log.js';
import { parseReference } from '../../../src/core/reference.js';
import { verifyArtifact } from '../../../src/evidence/verify-artifact.js';
import type { PreparedCheck } from '../../../src/evidence/verify-file.js';
import type { RunRequest, RunResult } from '../../../src/tools/exec.js';
import { buildIdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { recordingRunner } from '../tools/support/recording-runner.js';
import { githubClaims } from '../verify/support/github-claims.js';
import { useSignedBlob } from '../verify/support/signed-blob.js';
import { FakeOras, REPO } from './support/fake-oras.js';

const fx = useSignedBlob(4096);
const COSIGN = { path: '/fake/cosign', generation: 3 as const };

interface Scenario {
  oras: FakeOras;
  /** cosign's answer to each verify-blob (default: accepted). */
  cosign?: (req: RunRequest) => Partial<RunResult>;
  expectDigest?: string;
  beforeDownload?: () => Promise<void>;
  engine?: 'both' | 'sigstore';
  /** The accepted signers' --github-workflow specs, as a policy file's (default: the release alone, as the flags give it). */
  signers?: string[];
}

const RELEASE_WORKFLOW = 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';

/** Signers as a policy file gives them (`from` set); the one signer of the flags otherwise. */
const signersOf = (workflows?: string[]): PreparedCheck['signers'] =>
  workflows === undefined
    ? [{ policy: buildIdentityPolicy({ githubWorkflow: RELEASE_WORKFLOW }), predicateType: PROVENANCE }]
    : workflows.map((githubWorkflow, i) => ({
        policy: buildIdentityPolicy({ githubWorkflow }),
        predicateType: PROVENANCE,
        from: { file: 'policy.yaml', at: `signers[${i}]` },
      }));
const PROVENANCE = 'https://slsa.dev/provenance/v1';

async function check(engine: 'both' | 'sigstore' = 'both', signers?: string[]): Promise<PreparedCheck> {
  const trustedRootPath = join(fx.dir, 'root.json');
  await writeFile(trustedRootPath, JSON.stringify(fx.sigstore.trustedRoot));
  return {
    signers: signersOf(signers),
    trustedRoot: parseTrustedRoot(JSON.stringify(fx.sigstore.trustedRoot), 'test root'),
    trustedRootPath,
    engine,
    cosign: COSIGN,
  };
}

/** Runs verifyArtifact on `REPO:v1`; returns the result or the error, the log and cosign's calls. */
async function verify(s: Scenario) {
  const lines: string[] = [];
  const log: Logger = { info: (m) => lines.push(m), debug: () => {} };
  const runner = recordingRunner(s.cosign ?? (() => ({})));
  const work = await privateTempDir(fx.dir);
  try {
    const outcome = await verifyArtifact(
      { oras: s.oras, workDir: work.path, log, run: runner.run },
      parseReference(`${REPO}:v1`),
      await check(s.engine, s.signers),
      {
        ...(s.expectDigest ? { expectDigest: s.expectDigest } : {}),
        ...(s.beforeDownload ? { beforeDownload: s.beforeDownload } : {}),
      },
    ).then(
      (ok) => ({ ok, error: undefined }),
      (error: unknown) => ({ ok: undefined, error: error as GhcrBlobError }),
    );
    return { ...outcome, lines, cosignCalls: runner.calls };
  } finally {
    await work.dispose();
  }
}

const bundleBy = async (repo: string) => JSON.stringify(await fx.sigstore.sign(fx.data, githubClaims({ repo })));
const good = () => JSON.stringify(fx.good);

describe('verifyArtifact: which candidate wins', () => {
  it('the first good bundle wins: junk before it is skipped, a rejected one is passed over, later ones are never tried', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    const junk = oras.attachBundle(a, '{"this is": "not a bundle"}');
    const evil = oras.attachBundle(a, await bundleBy('evil/tools'));
    const winner = oras.attachBundle(a, good());
    oras.attachBundle(a, good()); // a second good one, listed after
    const r = await verify({ oras });
    expect(r.error).toBeUndefined();
    expect(r.ok!.verified.signatureDigest).toBe(winner.digest);
    expect(r.ok!.verified.skippedSignatures.map((s) => s.digest)).toEqual([junk.digest]);
    expect(r.ok!.verified.verifiers).toEqual(['sigstore-js', 'cosign 3']);
    expect(r.ok!.verified.sha256).toBe(a.layerDigest.slice('sha256:'.length));
    expect(r.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^Skipping signature ${junk.digest.slice(0, 19)}`)),
    );
    // cosign saw the rejected candidate and the winner, each by the digest we hashed, nothing else.
    const bundles = r.cosignCalls.map((c) => c.args[c.args.indexOf('--bundle') + 1]);
    expect(bundles).toEqual([
      expect.stringMatching(/signatures-referrer\/1\/bundle\.json$/),
      expect.stringMatching(/signatures-referrer\/2\/bundle\.json$/),
    ]);
    for (const c of r.cosignCalls) expect(c.args.at(-1)).toBe(a.layerDigest);
    // The file landed in the private folder under the layer's title, and was downloaded once.
    expect(oras.callsTo('fetchLayer')).toEqual([[`${REPO}@${a.layerDigest}`]]);
    expect(r.ok!.file).toMatch(/blob\/report\.json$/);
    expect(evil.digest).not.toBe(winner.digest);
  });

  it('every candidate rejected: exit-3 error naming who signed, the policy, and each rejection', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, await bundleBy('evil/tools'));
    oras.attachBundle(a, await bundleBy('octo/tool'));
    const r = await verify({ oras });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(
      /^2 signatures found, by https:\/\/github\.com\/evil\/tools\/\S+ and https:\/\/github\.com\/octo\/tool\/\S+; none matches the policy \(identity /,
    );
    expect(r.error?.details.filter((d) => /^sha256:/.test(d))).toHaveLength(2);
  });

  it('cosign rejecting is enough to reject a candidate the in-process verifier accepts', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({
      oras,
      cosign: () => ({ exitCode: 1, stderr: 'Error: none of the expected identities matched' }),
    });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/^1 signature found, by .*; none matches the policy/);
    expect(r.error?.details.join('\n')).toMatch(
      /cosign rejected the signature: none of the expected identities matched/,
    );
  });

  it('--engine sigstore: the in-process verifier alone decides, cosign is never run', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({ oras, engine: 'sigstore' });
    expect(r.ok?.verified.verifiers).toEqual(['sigstore-js']);
    expect(r.cosignCalls).toEqual([]);
  });

  it('a bundle for other bytes is rejected, not accepted for this file', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', Buffer.concat([fx.data, Buffer.from('!')]));
    oras.attachBundle(a, good());
    const r = await verify({ oras });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/^1 signature found/);
  });
});

describe('verifyArtifact: a policy of several signers, any one of whom may sign', () => {
  const OTHER = 'octo/other/.github/workflows/release.yml@refs/tags/v1.2.0';

  it('the second signer matches: accepted, the result names it, and cosign ran only for it', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({ oras, signers: [OTHER, RELEASE_WORKFLOW] });
    expect(r.error).toBeUndefined();
    expect(r.ok!.verified.signerIndex).toBe(1);
    expect(r.ok!.verified.signer.from?.at).toBe('signers[1]');
    // The first signer cannot match the certificate's SAN: passed over without a cosign run.
    expect(r.cosignCalls).toHaveLength(1);
    const flags = r.cosignCalls[0]!.args;
    expect(flags[flags.indexOf('--certificate-identity') + 1]).toBe(`https://github.com/${RELEASE_WORKFLOW}`);
  });

  it('no signer matches: exit-3 error, each signer with its reason', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, await bundleBy('evil/tools'));
    const r = await verify({ oras, signers: [OTHER, RELEASE_WORKFLOW] });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/none matches the policy \(any of 2 signers of policy\.yaml\)/);
    const details = r.error!.details.join('\n');
    expect(details).toMatch(
      /signer 1 \(signers\[0\] of policy\.yaml\): the certificate's identity is https:\/\/github\.com\/evil/,
    );
    expect(details).toMatch(/signer 2 \(signers\[1\] of policy\.yaml\): the certificate's identity/);
    expect(r.cosignCalls).toEqual([]);
  });

  it('cosign refusing for the one signer the claims allow is a refusal: no other signer accepts', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({
      oras,
      signers: [RELEASE_WORKFLOW, OTHER],
      cosign: () => ({ exitCode: 1, stderr: 'Error: none of the expected identities matched' }),
    });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.details.join('\n')).toMatch(/cosign rejected the signature/);
  });
});

describe('verifyArtifact: referrers that cannot be tried are skipped, with the reason', () => {
  const gone = (o: FakeOras, d: { digest: string }) => o.manifests.delete(d.digest);
  it.each([
    // A good bundle with a trailing newline: another referrer manifest than the good one's, then deleted.
    ['gone since listed (404)', () => `${good()}\n`, gone, /not found/],
    ['not JSON', () => 'not json at all', () => {}, /not valid JSON|not a Sigstore/],
  ])('%s: skipped, and the good one after it still wins', async (_n, body, spoil, reason) => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    const bad = oras.attachBundle(a, body());
    spoil(oras, bad);
    const ok = oras.attachBundle(a, good());
    const r = await verify({ oras });
    expect(r.ok?.verified.signatureDigest).toBe(ok.digest);
    expect(r.ok?.verified.skippedSignatures).toEqual([
      { source: 'referrer', digest: bad.digest, reason: expect.stringMatching(reason) },
    ]);
  });

  it('a referrer about another subject, or holding another media type: skipped before its bundle is fetched', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    const other = oras.attachBundle(a, good(), { subject: `sha256:${'0'.repeat(64)}` });
    const sbom = oras.attachBundle(a, good(), { mediaType: 'application/spdx+json' });
    const r = await verify({ oras });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toBe(
      `no usable signature is attached to ${REPO}@${a.digest}; 2 unusable signatures skipped`,
    );
    expect(r.error?.details).toEqual([
      expect.stringMatching(/^skipped sha256:.*is not about/),
      expect.stringMatching(/^skipped sha256:.*holds application\/spdx\+json, not a Sigstore bundle/),
    ]);
    expect(oras.callsTo('fetchBlob')).toEqual([]);
    expect([other.digest, sbom.digest]).toHaveLength(2);
  });

  it('a bundle claiming more than 1 MiB is not fetched; one larger than it claims is cut at the cap', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good(), { claimedSize: MAX_BUNDLE_BYTES + 1 });
    const liar = oras.attachBundle(a, Buffer.alloc(3 * MAX_BUNDLE_BYTES, 'x'), { claimedSize: 100 });
    const winner = oras.attachBundle(a, good());
    const r = await verify({ oras });
    expect(r.ok?.verified.signatureDigest).toBe(winner.digest);
    const reasons = r.ok!.verified.skippedSignatures.map((s) => s.reason);
    expect(reasons[0]).toMatch(
      new RegExp(`holds a ${MAX_BUNDLE_BYTES + 1}-byte bundle \\(limit ${MAX_BUNDLE_BYTES}\\)`),
    );
    expect(reasons[1]).toMatch(/bundle is larger than its 100 bytes/);
    expect(r.ok!.verified.skippedSignatures[1]!.digest).toBe(liar.digest);
    // Only the two capped fetches asked for bundle bytes; the over-claiming one was never fetched.
    expect(oras.callsTo('fetchBlob')).toHaveLength(2);
  });

  it(`examines the first ${MAX_CANDIDATES} referrers only, says so, and counts the rest`, async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    for (let i = 0; i < MAX_CANDIDATES + 3; i++) oras.attachBundle(a, `{"junk":${i}}`);
    const r = await verify({ oras });
    expect(r.lines).toContain(`${MAX_CANDIDATES + 3} signatures attached; examining the first ${MAX_CANDIDATES} only`);
    expect(r.error?.message).toMatch(
      new RegExp(`; ${MAX_CANDIDATES} unusable signatures skipped; 3 more not examined \\(limit ${MAX_CANDIDATES}\\)$`),
    );
    // One manifest fetch for the artifact, one per examined referrer, one per cosign tag (.sig, .att).
    expect(oras.callsTo('fetchManifest')).toHaveLength(1 + MAX_CANDIDATES + 2);
  });

  it('cosign 3 `sign <ref>` referrers (listed under the empty type) are found too, once each', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    const cosigned = oras.attachBundle(a, good(), { listedAs: 'application/vnd.oci.empty.v1+json' });
    const r = await verify({ oras });
    expect(r.ok?.verified.signatureDigest).toBe(cosigned.digest);
    // One listing (of the tag, beside the manifest fetch), filtered here for both types.
    expect(oras.callsTo('listReferrers')).toEqual([[`${REPO}:v1`]]);
    expect(oras.callsTo('discover')).toEqual([]);
  });
});

describe('verifyArtifact: the download is stopped when nothing can be verified', () => {
  it('no signature attached: VERIFICATION_FAILED, the hanging download was stopped and had settled', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.hangDownload = true;
    const r = await verify({ oras });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toBe(`no signature is attached to ${REPO}@${a.digest}`);
    expect(oras.downloadStopped).toBe(true);
  });

  it('only junk attached: fails with the full account without waiting for the bytes; cosign never runs', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, 'junk');
    oras.hangDownload = true;
    const r = await verify({ oras });
    expect(r.error?.message).toMatch(/^no usable signature is attached to .*; 1 unusable signature skipped$/);
    expect(oras.downloadStopped).toBe(true);
    expect(r.cosignCalls).toEqual([]);
  });

  it('a registry failure while listing is reported as itself (not "no signature"), and stops the download', async () => {
    const oras = new FakeOras();
    oras.artifact('v1', fx.data);
    oras.hangDownload = true;
    oras.failures.set('listReferrers', [new GhcrBlobError('REGISTRY_UNREACHABLE', 'connection refused')]);
    const r = await verify({ oras });
    expect(r.error?.code).toBe('REGISTRY_UNREACHABLE');
    expect(oras.downloadStopped).toBe(true);
  });

  it('an auth failure while fetching one bundle is fatal, not a skipped junk referrer', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    oras.failures.set('fetchBlob', [new GhcrBlobError('AUTH_FAILED', 'denied')]);
    const r = await verify({ oras });
    expect(r.error?.code).toBe('AUTH_FAILED');
  });

  it('the download failing is reported as itself, and no candidate is verified', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    oras.failures.set('fetchLayer', [new GhcrBlobError('REGISTRY_UNREACHABLE', 'reset')]);
    const r = await verify({ oras });
    expect(r.error?.code).toBe('REGISTRY_UNREACHABLE');
    expect(r.cosignCalls).toEqual([]);
  });
});

describe('verifyArtifact: before any download', () => {
  it('a wrong --expect-digest fails before the layer or any signature is fetched', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({ oras, expectDigest: `sha256:${'f'.repeat(64)}` });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/content digest mismatch/);
    // Only the tag's referrer listing ran beside the manifest fetch: no layer, no bundle.
    expect(oras.calls.map((c) => c.method).sort()).toEqual(['fetchManifest', 'listReferrers']);
  });

  it('beforeDownload runs once the tag is resolved, and its refusal stops everything', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({
      oras,
      beforeDownload: async () => {
        throw new GhcrBlobError('USAGE', 'the output file exists');
      },
    });
    expect(r.error?.code).toBe('USAGE');
    // Only the tag's referrer listing ran beside the manifest fetch: no layer, no bundle.
    expect(oras.calls.map((c) => c.method).sort()).toEqual(['fetchManifest', 'listReferrers']);
  });

  it('the tag is resolved once; everything after works by digest (cosign tags are named by it)', async () => {
    const oras = new FakeOras();
    const a = oras.artifact('v1', fx.data);
    oras.attachBundle(a, good());
    const r = await verify({ oras });
    expect(r.error).toBeUndefined();
    // The tag is named by the manifest fetch and by the referrer listing beside it (used only
    // when it names the fetched digest); everything after works by digest.
    const byTag = oras.calls.filter((c) => String(c.args[0]) === `${REPO}:v1`).map((c) => c.method);
    expect(byTag.sort()).toEqual(['fetchManifest', 'listReferrers']);
    const cosignTag = `${REPO}:${a.digest.replace(':', '-')}`;
    const rest = oras.calls.map((c) => String(c.args[0])).filter((r) => r !== `${REPO}:v1`);
    for (const ref of rest.filter((r) => !r.startsWith(cosignTag)))
      expect(ref).toMatch(new RegExp(`^${REPO.replace(/\./g, '\\.')}@sha256:[a-f0-9]{64}$`));
    // cosign's `.sig` / `.att` tags are looked up by the name the pinned digest gives them.
    expect(rest.filter((r) => r.startsWith(cosignTag)).sort()).toEqual([`${cosignTag}.att`, `${cosignTag}.sig`]);
    expect(r.ok?.blob.pinnedReference).toBe(`${REPO}@${a.digest}`);
  });
});
