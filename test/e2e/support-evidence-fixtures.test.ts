// Proves the Sigstore evidence fixtures (test/support/sigstore/evidence.ts, rekor-v2.ts,
// test/support/attestation-referrer.ts) make what they claim, using the real cosign 3, real oras of
// both generations, the local stack and @sigstore/verify: GitHub claims reach the certificate,
// TSA-only bundles carry no log entry, DSSE statements name the digest asked for, GitHub-shaped
// referrers are found by oras discover, and Rekor v2-shaped entries verify (and fail when broken).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushAttestationReferrer, SIGSTORE_BUNDLE_V03 } from '../support/attestation-referrer.js';
import { sealedOras } from '../support/oras.js';
import { craftArtifact, getBlob, getManifest, OCI_EMPTY, sha256Digest } from '../support/registry-api.js';
import { startRegistry, type Registry } from '../support/registry.js';
import {
  attestBlob,
  attestStatement,
  findCosign3,
  inTotoStatement,
  signBlob,
  SLSA_PROVENANCE_V1,
  statementOf,
} from '../support/sigstore/evidence.js';
import { runCosign } from '../support/sigstore/cosign-cli.js';
import { startSigstoreStack, type MintTokenClaims, type SigstoreStack } from '../support/sigstore/index.js';
import { signerCertificate, verifyBundleWith } from '../support/sigstore/inspect.js';
import { createRekorV2Log, trustedRootWithLog } from '../support/sigstore/rekor-v2.js';
import { GENERATIONS } from '../support/tools.js';

const CALLER: MintTokenClaims = {
  repository: 'octo/app',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/heads/main',
};
const STRICT = { tlogThreshold: 1, timestampThreshold: 1 };
const TSA_ONLY = { tlogThreshold: 0, timestampThreshold: 1 };

let stack: SigstoreStack;
let work: string;
let file: string;
let fileBytes: Buffer;
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  stack = await startSigstoreStack();
  work = mkdtempSync(join(tmpdir(), 'ghcr-blob-evidence-test-'));
  file = join(work, 'report.json');
  fileBytes = Buffer.from('{"release":"v1.2.3"}\n');
  writeFileSync(file, fileBytes);
});
afterAll(async () => {
  await stack?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('GitHub claims reach the Fulcio certificate', () => {
  it('reusable workflow in another repository, tag ref, self-hosted runner, private repository', async () => {
    const sha = 'c0ffee'.repeat(6) + 'abcd';
    const claims: MintTokenClaims = {
      repository: 'octo/app',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.3',
      sha,
      jobWorkflowRef: 'octo/shared-workflows/.github/workflows/build.yml@refs/heads/main',
      runnerEnvironment: 'self-hosted',
      repositoryVisibility: 'private',
    };
    const cert = signerCertificate((await signBlob(stack, file, { claims })).bundle);
    // Real Fulcio: the SAN and the build signer are the reusable workflow; the source is the caller.
    expect(cert.san).toBe('https://github.com/octo/shared-workflows/.github/workflows/build.yml@refs/heads/main');
    expect(cert.san).toBe(stack.identityFor(claims));
    expect(cert.extensions).toMatchObject({
      issuer: stack.issuer,
      buildSignerURI: 'https://github.com/octo/shared-workflows/.github/workflows/build.yml@refs/heads/main',
      runnerEnvironment: 'self-hosted',
      sourceRepositoryURI: 'https://github.com/octo/app',
      sourceRepositoryDigest: sha,
      sourceRepositoryRef: 'refs/tags/v1.2.3',
      buildConfigURI: 'https://github.com/octo/app/.github/workflows/release.yml@refs/tags/v1.2.3',
      sourceRepositoryVisibilityAtSigning: 'private',
    });
  });

  it('defaults: same-repository workflow on a branch, github-hosted, public', async () => {
    const cert = signerCertificate((await signBlob(stack, file, { claims: CALLER })).bundle);
    expect(cert.san).toBe('https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main');
    expect(cert.extensions).toMatchObject({
      buildSignerURI: cert.san,
      runnerEnvironment: 'github-hosted',
      sourceRepositoryRef: 'refs/heads/main',
      sourceRepositoryVisibilityAtSigning: 'public',
    });
    expect(cert.extensions.sourceRepositoryDigest).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('TSA-only bundles (no transparency log)', () => {
  let bundle: SerializedBundle;
  let bundlePath: string;
  beforeAll(async () => {
    const before = stack.requests.length;
    ({ bundle, bundlePath } = await signBlob(stack, file, { claims: CALLER, tsaOnly: true }));
    // cosign asked Fulcio and the TSA only.
    expect(stack.requests.slice(before).map((r) => r.path)).toEqual(['/api/v2/signingCert', '/api/v1/timestamp']);
  });

  it('trust files: tlogs [] and no rekorTlogUrls', () => {
    expect(readJson(stack.tsaOnly.trustedRootPath).tlogs).toEqual([]);
    expect(readJson(stack.tsaOnly.signingConfigPath).rekorTlogUrls).toEqual([]);
    expect(readJson(stack.trustedRootPath).tlogs).toHaveLength(1); // the normal files are untouched
  });

  it('the bundle has 0 log entries and 1 RFC 3161 timestamp', () => {
    const vm = bundle.verificationMaterial as any;
    expect(vm.tlogEntries ?? []).toEqual([]);
    expect(vm.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
  });

  it('@sigstore/verify accepts it only when no log entry is required', () => {
    const root = readJson(stack.tsaOnly.trustedRootPath);
    expect(verifyBundleWith(root, bundle, fileBytes, TSA_ONLY).identity?.subjectAlternativeName).toBe(
      stack.identityFor(CALLER),
    );
    expect(() => verifyBundleWith(root, bundle, fileBytes, STRICT)).toThrow(/expected 1 tlog entries, got 0/);
    expect(() => verifyBundleWith(root, bundle, Buffer.from('other'), TSA_ONLY)).toThrow();
  });

  it('cosign 3 verify-blob refuses it unless --insecure-ignore-tlog', async () => {
    const bin = await findCosign3();
    const args = [
      'verify-blob',
      file,
      '--bundle',
      bundlePath,
      '--trusted-root',
      stack.tsaOnly.trustedRootPath,
      '--certificate-identity',
      stack.identityFor(CALLER),
      '--certificate-oidc-issuer',
      stack.issuer,
    ];
    const strict = await runCosign(bin, args, { home: work });
    expect(strict.exitCode).not.toBe(0);
    expect(strict.stderr).toContain('not enough verified log entries');
    const lax = await runCosign(bin, [...args, '--insecure-ignore-tlog'], { home: work });
    expect(lax.exitCode, lax.stderr).toBe(0);
  });
});

describe('DSSE in-toto attestations', () => {
  it('attestBlob: subject = the file sha256, SLSA v1 predicate; verifies in-process and with cosign 3', async () => {
    // cosign parses a typed predicate into its SLSA v1 structure: unknown top-level fields are dropped.
    const predicate = {
      buildDefinition: { buildType: 'https://example.test/build/v1', externalParameters: { tag: 'v1.2.3' } },
      runDetails: { builder: { id: 'https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main' } },
    };
    const { bundle, bundlePath } = await attestBlob(stack, file, { claims: CALLER, predicate });
    const statement = statementOf(bundle);
    expect(statement.predicateType).toBe(SLSA_PROVENANCE_V1);
    expect(statement.predicate).toMatchObject(predicate);
    expect(statement.subject).toEqual([
      { name: expect.stringContaining('report.json'), digest: { sha256: sha256Digest(fileBytes).slice(7) } },
    ]);
    expect((bundle.verificationMaterial as any).tlogEntries).toHaveLength(1);
    verifyBundleWith(readJson(stack.trustedRootPath), bundle, undefined, STRICT);
    const r = await runCosign(
      await findCosign3(),
      [
        'verify-blob-attestation',
        file,
        '--type',
        'slsaprovenance1',
        '--bundle',
        bundlePath,
        '--trusted-root',
        stack.trustedRootPath,
        '--certificate-identity',
        stack.identityFor(CALLER),
        '--certificate-oidc-issuer',
        stack.issuer,
      ],
      { home: work },
    );
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('attestStatement: the subject is exactly the digest asked for (an OCI manifest digest), also TSA-only', async () => {
    const digest = sha256Digest('{"schemaVersion":2}');
    for (const tsaOnly of [false, true]) {
      const { bundle } = await attestStatement(stack, inTotoStatement([{ name: 'ghcr.io/octo/app', digest }]), {
        claims: CALLER,
        tsaOnly,
      });
      expect(statementOf(bundle).subject).toEqual([{ name: 'ghcr.io/octo/app', digest: { sha256: digest.slice(7) } }]);
      expect((bundle.verificationMaterial as any).tlogEntries ?? []).toHaveLength(tsaOnly ? 0 : 1);
      const root = readJson(tsaOnly ? stack.tsaOnly.trustedRootPath : stack.trustedRootPath);
      verifyBundleWith(root, bundle, undefined, tsaOnly ? TSA_ONLY : STRICT);
    }
    expect(() => inTotoStatement([{ name: 'x', digest: 'sha512:00' }])).toThrow(/not a sha256 digest/);
  });
});

describe('Rekor v2-shaped bundles', () => {
  const log = createRekorV2Log();
  let tsaOnlyRoot: object;
  let v2Root: object;
  beforeAll(() => {
    tsaOnlyRoot = readJson(stack.tsaOnly.trustedRootPath);
    v2Root = trustedRootWithLog(tsaOnlyRoot, log);
  });

  it('message signature logged as hashedrekord 0.0.2 verifies; the entry carries no time', async () => {
    const { bundle } = await signBlob(stack, file, { claims: CALLER, tsaOnly: true });
    const v2 = log.logBundle(bundle);
    const entry = (v2.verificationMaterial as any).tlogEntries[0];
    expect(entry.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.2' });
    expect(entry.integratedTime).toBeUndefined();
    expect(entry.inclusionPromise).toBeUndefined();
    expect(entry.inclusionProof.hashes.length).toBeGreaterThan(0); // a real path, not a 1-leaf tree
    expect(entry.inclusionProof.checkpoint.envelope).toMatch(/^rekor-v2\.ghcr-blob\.test\n\d+\n/);

    verifyBundleWith(v2Root, v2, fileBytes, STRICT);
    // Each of these breaks one link and must be refused:
    expect(() => verifyBundleWith(tsaOnlyRoot, v2, fileBytes, STRICT)).toThrow(/checkpoint/); // log not trusted
    const forged = structuredClone(v2) as any;
    const e = forged.verificationMaterial.tlogEntries[0];
    e.inclusionProof.checkpoint.envelope = e.inclusionProof.checkpoint.envelope.replace(/\n(\d+)\n/, '\n999\n');
    expect(() => verifyBundleWith(v2Root, forged, fileBytes, STRICT)).toThrow(/checkpoint signature/);
    const untimed = structuredClone(v2) as any;
    delete untimed.verificationMaterial.timestampVerificationData;
    // The v2 entry gives no time, so without the TSA there is none at all.
    expect(() => verifyBundleWith(v2Root, untimed, fileBytes, STRICT)).toThrow(/expected 1 timestamps, got 0/);
    const otherData = Buffer.from('not the file');
    expect(() => verifyBundleWith(v2Root, v2, otherData, STRICT)).toThrow();
  });

  it('DSSE logged as dsse 0.0.2 verifies; a swapped payload does not', async () => {
    const { bundle } = await attestBlob(stack, file, { claims: CALLER, tsaOnly: true });
    const v2 = log.logBundle(bundle);
    expect((v2.verificationMaterial as any).tlogEntries[0].kindVersion).toEqual({ kind: 'dsse', version: '0.0.2' });
    verifyBundleWith(v2Root, v2, undefined, STRICT);
    const swapped = structuredClone(v2) as any;
    const other = inTotoStatement([{ name: 'x', digest: sha256Digest('x') }]);
    swapped.dsseEnvelope.payload = Buffer.from(JSON.stringify(other)).toString('base64');
    expect(() => verifyBundleWith(v2Root, swapped, undefined, STRICT)).toThrow();
  });

  // cosign 3.1 also verifies the hashedrekord form. The dsse 0.0.2 form it does not even load as a
  // bundle ("--trusted-root only supported with --new-bundle-format"), so only @sigstore/verify
  // checks that one above.
  it('cosign 3 verifies a v2-shaped hashedrekord bundle only when the log is in the trusted root', async () => {
    const bin = await findCosign3();
    const rootPath = join(work, 'v2-root.json');
    writeFileSync(rootPath, JSON.stringify(v2Root));
    const signature = join(work, 'v2-signature.json');
    const { bundle } = await signBlob(stack, file, { claims: CALLER, tsaOnly: true });
    writeFileSync(signature, JSON.stringify(log.logBundle(bundle)));
    const identity = ['--certificate-identity', stack.identityFor(CALLER), '--certificate-oidc-issuer', stack.issuer];
    const verify = (root: string) =>
      runCosign(bin, ['verify-blob', file, '--bundle', signature, '--trusted-root', root, ...identity], { home: work });
    const ok = await verify(rootPath);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const unknownLog = await verify(stack.tsaOnly.trustedRootPath);
    expect(unknownLog.exitCode).not.toBe(0);
  });
});

describe.each(GENERATIONS)('GitHub-shaped attestation referrer, oras discover from %s', (gen) => {
  // Its HOME, docker config and registry config live in a folder of its own, removed afterwards.
  const scratch = mkdtempSync(join(tmpdir(), 'ghcr-blob-evidence-oras-'));
  const oras = sealedOras(gen, scratch);
  let reg: Registry;
  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
  });
  afterAll(async () => {
    await reg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is found under the sha256-<hex> tag index, shaped as actions/attest leaves it, and verifies', async () => {
    const art = await craftArtifact(reg, 'octo/app', 'v1', [{ content: fileBytes, title: 'report.json' }]);
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: art.digest,
      size: art.bytes.length,
    };
    const { bundle } = await attestStatement(
      stack,
      inTotoStatement([{ name: `${reg.host}/octo/app`, digest: art.digest }]),
      { claims: CALLER },
    );
    const bundleBytes = Buffer.from(JSON.stringify(bundle));
    const ref = await pushAttestationReferrer(reg, 'octo/app', subject, bundleBytes, {
      predicateType: SLSA_PROVENANCE_V1,
    });
    // A second attestation must join the index, not replace the first.
    const second = await pushAttestationReferrer(reg, 'octo/app', subject, bundleBytes, {
      predicateType: 'https://example.test/other/v1',
    });

    const stored = await getManifest(reg, 'octo/app', ref.digest);
    expect(stored.json).toMatchObject({
      artifactType: SIGSTORE_BUNDLE_V03,
      config: { mediaType: OCI_EMPTY, digest: sha256Digest('{}'), size: 2 },
      layers: [{ mediaType: SIGSTORE_BUNDLE_V03, digest: sha256Digest(bundleBytes), size: bundleBytes.length }],
      subject,
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': SLSA_PROVENANCE_V1,
      },
    });
    const index = await getManifest(reg, 'octo/app', ref.fallbackTag);
    expect((index.json['manifests'] as { digest: string }[]).map((m) => m.digest)).toEqual([ref.digest, second.digest]);

    const r = await oras.run(
      ['discover', `${reg.host}/octo/app:v1`, '--artifact-type', SIGSTORE_BUNDLE_V03, '--format', 'json'].concat([
        '-u',
        reg.username,
        '--password-stdin',
      ]),
      { stdin: reg.password },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { referrers?: any[]; manifests?: any[] };
    const found = out.referrers ?? out.manifests ?? []; // 1.3: referrers, 1.2: manifests
    expect(found.map((m) => m.digest).sort()).toEqual([ref.digest, second.digest].sort());
    expect(found.find((m) => m.digest === ref.digest)?.annotations?.['dev.sigstore.bundle.predicateType']).toBe(
      SLSA_PROVENANCE_V1,
    );

    const layer = await getBlob(reg, 'octo/app', sha256Digest(bundleBytes));
    const fetched = JSON.parse(layer.toString('utf8')) as SerializedBundle;
    verifyBundleWith(readJson(stack.trustedRootPath), fetched, undefined, STRICT);
    expect(statementOf(fetched).subject[0]?.digest['sha256']).toBe(art.digest.slice(7));
    expect(createHash('sha256').update(stored.bytes).digest('hex')).toBe(ref.digest.slice(7));
  });
});
