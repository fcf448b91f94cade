// inspectArtifact, the heart of `inspect REF`, against the fake Oras and a recording Runner with
// real bundles from the in-process mock Sigstore: every candidate is listed as it describes
// itself; with a check each is verified on its own (a rejection is a verdict, not the end); the
// file's layer is never fetched.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateTempDir } from '../../../src/core/fs.js';
import { silentLogger } from '../../../src/core/log.js';
import { parseReference } from '../../../src/core/reference.js';
import { inspectArtifact } from '../../../src/evidence/inspect-artifact.js';
import type { PreparedCheck } from '../../../src/evidence/verify-file.js';
import { buildIdentityPolicy } from '../../../src/verify/policy.js';
import { parseTrustedRoot } from '../../../src/verify/trusted-root.js';
import { recordingRunner } from '../tools/support/recording-runner.js';
import { githubClaims, workflowSan } from '../verify/support/github-claims.js';
import { useSignedBlob } from '../verify/support/signed-blob.js';
import { FakeOras, REPO } from './support/fake-oras.js';

const fx = useSignedBlob(4096);

async function check(): Promise<PreparedCheck> {
  const trustedRootPath = join(fx.dir, 'root.json');
  await writeFile(trustedRootPath, JSON.stringify(fx.sigstore.trustedRoot));
  return {
    signers: [
      {
        policy: buildIdentityPolicy({ githubWorkflow: 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0' }),
        predicateType: 'https://slsa.dev/provenance/v1',
      },
    ],
    trustedRoot: parseTrustedRoot(JSON.stringify(fx.sigstore.trustedRoot), 'test root'),
    trustedRootPath,
    engine: 'both',
    cosign: { path: '/fake/cosign', generation: 3 },
  };
}

async function inspect(oras: FakeOras, withCheck: boolean) {
  const runner = recordingRunner(() => ({}));
  const work = await privateTempDir(fx.dir);
  try {
    const ctx = { oras, workDir: work.path, log: silentLogger, run: runner.run };
    const result = await inspectArtifact(ctx, parseReference(`${REPO}:v1`), withCheck ? await check() : undefined);
    return { result, cosignCalls: runner.calls };
  } finally {
    await work.dispose();
  }
}

function scenario() {
  const oras = new FakeOras();
  const a = oras.artifact('v1', fx.data);
  return { oras, a };
}

describe('inspectArtifact', () => {
  it('lists every candidate as it states itself, verifies none without a check, never fetches the file', async () => {
    const { oras, a } = scenario();
    oras.attachBundle(a, '{"not": "a bundle"}');
    oras.attachBundle(a, JSON.stringify(fx.good));
    const { result, cosignCalls } = await inspect(oras, false);
    expect(result.blob.digest).toBe(a.digest);
    expect(result.signatures).toHaveLength(2);
    expect(result.signatures[0]).toMatchObject({ source: 'referrer', unusable: expect.stringMatching(/bundle/) });
    expect(result.signatures[1]).toMatchObject({
      source: 'referrer',
      described: { evidence: 'message-signature', bundle: { signer: { certificate: true, identity: workflowSan() } } },
    });
    expect(result.signatures[1]!.verdict).toBeUndefined();
    expect(cosignCalls).toEqual([]);
    expect(oras.callsTo('fetchLayer')).toEqual([]);
  });

  it('with a check, each candidate is verified on its own: one passes, another (wrong signer) fails', async () => {
    const { oras, a } = scenario();
    const other = await fx.sigstore.sign(fx.data, githubClaims({ repo: 'evil/tools' }));
    oras.attachBundle(a, JSON.stringify(other));
    oras.attachBundle(a, JSON.stringify(fx.good));
    const { result, cosignCalls } = await inspect(oras, true);
    expect(result.signatures.map((s) => s.verdict?.status)).toEqual(['failed', 'passed']);
    expect(result.signatures[1]!.verdict).toMatchObject({
      identity: workflowSan(),
      verifiers: ['sigstore-js', 'cosign 3'],
    });
    // cosign was asked about each, over the layer digest the manifest names (never the file).
    expect(cosignCalls.map((c) => c.args.at(-1))).toEqual([a.layerDigest, a.layerDigest]);
    expect(oras.callsTo('fetchLayer')).toEqual([]);
  });

  it('nothing attached: no signatures, not an error', async () => {
    const { oras } = scenario();
    const { result } = await inspect(oras, true);
    expect(result.signatures).toEqual([]);
  });
});
