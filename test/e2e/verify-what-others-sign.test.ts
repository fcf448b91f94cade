// Issue 15, "Statements, keys, time": what cosign and sigstore-js accept, ghcr-blob accepts. Real
// material made by other people's tools (npm provenance of sigstore@2.1.0, a sigstore-python P-384
// staging bundle; read from ../shared/fixtures/real-sigstore/, skipped when absent) and material
// made here by the real cosign against the local stack (sha512 statement subjects, P-384/P-521/RSA
// keys, Ed25519 from sigstore-js's builders, null fields, cosign 2's legacy blob bundle, Rekor v2
// entries naming the bare key, reusable workflows pinned by commit). Every refusal is exit 3 with
// nothing written.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosignOf,
  env,
  EXIT,
  expectCleanFailure,
  expectNoResult,
  freshCliDirs,
  run,
  type Run,
  useKit,
} from '../support/kit.js';
import { installedCosigns, runCosign, signBlobArgs } from '../support/sigstore/cosign-cli.js';
import { attestWithEd25519, signWithEd25519 } from '../support/sigstore/ed25519.js';
import { attestStatement, signBlob, SLSA_PROVENANCE_V1 } from '../support/sigstore/evidence.js';
import type { MintTokenClaims } from '../support/sigstore/index.js';
import { createRekorV2Log, trustedRootWithLog } from '../support/sigstore/rekor-v2.js';
import { REPO_ROOT } from '../support/tools.js';
import { pushAttestationReferrer } from '../support/attestation-referrer.js';
import { craftArtifact, OCI_MANIFEST } from '../support/registry-api.js';

const cosign3 = cosignOf(3);
const cosign2 = cosignOf(2);
const hash = (alg: string, b: Buffer | string) => createHash(alg).update(b).digest('hex');

let dir: string;
const write = (name: string, json: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
};

/**
 * `ghcr-blob verify FILE --bundle B --json` with cosign `cosign` (null: --engine sigstore), in a
 * private TMPDIR whose leftovers (cosign's private folder…) are reported in `left`.
 */
async function verify(file: string, bundle: string, root: string, policy: string[], cosign: string | null = cosign3) {
  const engine = cosign === null ? ['--engine', 'sigstore'] : [];
  const r = await run(['verify', file, '--bundle', bundle, ...policy, '--trusted-root', root, '--json', ...engine], {
    env: env({ gen: 'sid', cosign: cosign ?? cosign3 }),
  });
  expect(r.left).toEqual([]);
  return r;
}

const refusal = (r: Run, check: RegExp) => {
  expectCleanFailure(r, EXIT.VERIFICATION_FAILED, []);
  expect(r.stderr).toMatch(check);
  expectNoResult(r);
};

const BOTH_AND_ALONE: Array<[string, string | null, string[]]> = [
  ['cosign 3', cosign3, ['sigstore-js', 'cosign 3']],
  ['cosign 2.5', cosign2, ['sigstore-js', 'cosign 2']],
  ['the in-process verifier alone', null, ['sigstore-js']],
];

beforeAll(() => {
  dir = freshCliDirs().cwd;
});

// ---------------------------------------------------------------------------------------------
// Real material made by others (see ../shared/fixtures/real-sigstore/README.md)
// ---------------------------------------------------------------------------------------------
const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'real-sigstore');
const fixture = (name: string) => join(FIXTURES, name);
const haveFixtures = existsSync(fixture('README.md'));

describe.skipIf(!haveFixtures)(
  'npm provenance of sigstore@2.1.0 (subject pkg:npm/sigstore@2.1.0 by sha512 only)',
  () => {
    const NPM_POLICY = [
      '--certificate-identity',
      'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
    ];
    const bundle = fixture('npm-provenance-sigstore-2.1.0.sigstore.json');
    const root = fixture('prod-trusted-root.json');
    let tarball: string | undefined;
    let unreachable = '';

    beforeAll(async () => {
      // The tarball is the one npm serves; fetched at test time, never kept in the repository.
      const work = mkdtempSync(join(dir, 'npm-pack-'));
      const packed = await execa('npm', ['pack', 'sigstore@2.1.0', '--fetch-retries=0', '--fetch-timeout=30000'], {
        cwd: work,
        reject: false,
        timeout: 90_000,
        env: { npm_config_update_notifier: 'false' },
      });
      const file = readdirSync(work).find((f) => f.endsWith('.tgz'));
      if (packed.exitCode === 0 && file) tarball = join(work, file);
      else unreachable = `npm pack sigstore@2.1.0 failed (registry unreachable?): ${packed.stderr.slice(-300)}`;
    }, 120_000);

    it('the tarball npm serves is the subject (its sha512)', ({ skip }) => {
      if (!tarball) return skip(unreachable);
      const statement = JSON.parse(
        Buffer.from(JSON.parse(readFileSync(bundle, 'utf8')).dsseEnvelope.payload, 'base64').toString(),
      );
      expect(statement.subject).toEqual([
        { name: 'pkg:npm/sigstore@2.1.0', digest: { sha512: hash('sha512', readFileSync(tarball)) } },
      ]);
    });

    it.for(BOTH_AND_ALONE)(
      'is accepted with %s; the chain says the sha512 matched',
      async ([, cosign, verifiers], ctx) => {
        if (!tarball) return ctx.skip(unreachable);
        const bytes = readFileSync(tarball);
        const r = await verify(tarball, bundle, root, NPM_POLICY, cosign);
        expect(r.exitCode, r.stderr).toBe(0);
        const v = JSON.parse(r.stdout);
        expect(v).toMatchObject({
          verified: true,
          evidence: 'dsse-attestation',
          predicateType: SLSA_PROVENANCE_V1,
          signingKey: 'ECDSA P-256',
          digest: `sha256:${hash('sha256', bytes)}`,
          // Rekor v1's intoto kind is at 0.0.2 too; it is not a Rekor v2 entry (cosign 2.5 reads it).
          rekorEntryKind: 'intoto',
          rekorEntryVersion: '0.0.2',
          verifiers,
        });
        expect(v.chain).toEqual([
          { link: 'statement subject', digest: `sha512:${hash('sha512', bytes)}`, checkedBy: 'the verified signature' },
          {
            link: 'file',
            digest: `sha512:${hash('sha512', bytes)}`,
            checkedBy: 'ghcr-blob: sha512 of the file as read',
          },
          {
            link: 'file',
            digest: `sha256:${hash('sha256', bytes)}`,
            checkedBy: 'ghcr-blob: sha256 of the file as read',
          },
        ]);
      },
    );

    // The npm registry serves older provenance as v0.1: a certificate chain, and null for what is unset.
    it.for(BOTH_AND_ALONE)(
      'laid out as the npm registry serves v0.1 (null fields), accepted with %s',
      async ([, cosign, verifiers], ctx) => {
        if (!tarball) return ctx.skip(unreachable);
        const v01 = JSON.parse(readFileSync(bundle, 'utf8'));
        v01.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
        v01.verificationMaterial.x509CertificateChain = { certificates: [v01.verificationMaterial.certificate] };
        v01.verificationMaterial.certificate = null;
        v01.verificationMaterial.publicKey = null;
        v01.verificationMaterial.timestampVerificationData = null;
        const path = write(`npm-v01-${verifiers.join('-').replace(/ /g, '')}.json`, v01);
        const r = await verify(tarball, path, root, NPM_POLICY, cosign);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ evidence: 'dsse-attestation', verifiers });
      },
    );

    it('refuses a tarball with other bytes (its sha512 differs), exit 3', async ({ skip }) => {
      if (!tarball) return skip(unreachable);
      const other = join(dir, 'sigstore-2.1.0-edited.tgz');
      copyFileSync(tarball, other);
      appendFileSync(other, '\0');
      refusal(await verify(other, bundle, root, NPM_POLICY), /the statement subject names other bytes/);
    });

    it.for<[string, string]>([
      ['another branch', 'https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/mainx'],
      [
        'an evil-prefixed repository',
        'https://github.com/sigstore/sigstore-js-evil/.github/workflows/release.yml@refs/heads/main',
      ],
    ])('refuses the wrong identity (%s), exit 3', async ([, identity], ctx) => {
      if (!tarball) return ctx.skip(unreachable);
      const policy = [...NPM_POLICY];
      policy[1] = identity;
      refusal(await verify(tarball, bundle, root, policy), /identity \(SAN\) does not match the policy/);
    });
  },
);

describe.skipIf(!haveFixtures)('a sigstore-python staging bundle signed with an ECDSA P-384 key', () => {
  const P384_POLICY = [
    '--certificate-identity',
    'a@tny.town',
    '--certificate-oidc-issuer',
    'https://github.com/login/oauth',
  ];
  const bundle = fixture('p384-staging.txt.sigstore');
  const root = fixture('staging-trusted-root.json');

  it.each(BOTH_AND_ALONE)('is accepted with %s', async (_, cosign, verifiers) => {
    const r = await verify(fixture('p384-staging.txt'), bundle, root, P384_POLICY, cosign);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ signingKey: 'ECDSA P-384', identity: 'a@tny.town', verifiers });
  });

  it('refuses another file and the wrong identity, exit 3', async () => {
    const other = write('p384-other.txt', `${readFileSync(fixture('p384-staging.txt'), 'utf8')}!`);
    refusal(await verify(other, bundle, root, P384_POLICY), /not the file this bundle signs: its sha256 differs/);
    const policy = [
      '--certificate-identity',
      'a@tny.town.evil',
      '--certificate-oidc-issuer',
      'https://github.com/login/oauth',
    ];
    refusal(await verify(fixture('p384-staging.txt'), bundle, root, policy), /identity \(SAN\) does not match/);
  });
});

// ---------------------------------------------------------------------------------------------
// Made here by the real cosign against the local stack
// ---------------------------------------------------------------------------------------------
describe('made by the real cosign against the local stack', () => {
  const RELEASE: MintTokenClaims = {
    repository: 'octo/tools',
    workflowPath: '.github/workflows/release.yml',
    ref: 'refs/tags/v1.2.0',
  };
  const POLICY = ['--github-workflow', 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0'];
  const content = '{"release":"v1.2.0"}\n';
  const kit = useKit({ gen: 'sid', sigstore: true });
  let file: string;

  beforeAll(() => {
    file = write('report.json', content);
  });

  const local = (
    bundle: string,
    o: { cosign?: string | null; target?: string; root?: string; policy?: string[] } = {},
  ) =>
    verify(
      o.target ?? file,
      bundle,
      o.root ?? kit.stack.trustedRootPath,
      o.policy ?? POLICY,
      o.cosign === undefined ? cosign3 : o.cosign,
    );

  describe('in-toto statements naming the file by sha512', () => {
    const statement = (digest: Record<string, string>) => ({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'pkg:npm/report@1.2.0', digest }],
      predicateType: SLSA_PROVENANCE_V1,
      predicate: {},
    });

    it.each(BOTH_AND_ALONE)('a sha512-only subject is accepted with %s', async (_, cosign, verifiers) => {
      const { bundlePath } = await attestStatement(kit.stack, statement({ sha512: hash('sha512', content) }) as never, {
        claims: RELEASE,
      });
      const r = await local(bundlePath, { cosign });
      expect(r.exitCode, r.stderr).toBe(0);
      const v = JSON.parse(r.stdout);
      expect(v.verifiers).toEqual(verifiers);
      expect(v.chain[0]).toEqual({
        link: 'statement subject',
        digest: `sha512:${hash('sha512', content)}`,
        checkedBy: 'the verified signature',
      });
    });

    it('a subject giving sha256 and sha512 must match the file by both', async () => {
      const both = { sha256: hash('sha256', content), sha512: hash('sha512', content) };
      const ok = await attestStatement(kit.stack, statement(both) as never, { claims: RELEASE });
      const r = await local(ok.bundlePath);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).chain.map((l: { digest: string }) => l.digest.split(':')[0])).toEqual([
        'sha256',
        'sha512',
        'sha256',
        'sha512',
      ]);
      // The sha256 is the file's, the sha512 another file's: the subject does not name these bytes.
      const mixed = { sha256: hash('sha256', content), sha512: hash('sha512', 'other bytes') };
      const bad = await attestStatement(kit.stack, statement(mixed) as never, { claims: RELEASE });
      refusal(await local(bad.bundlePath, { cosign: null }), /the statement subject names other bytes/);
      refusal(await local(bad.bundlePath), /the statement subject names other bytes/);
    });

    it('refuses a sha512 subject over other bytes, and a subject with no digest ghcr-blob computes', async () => {
      const wrong = await attestStatement(kit.stack, statement({ sha512: hash('sha512', 'other') }) as never, {
        claims: RELEASE,
      });
      refusal(
        await local(wrong.bundlePath),
        /statement subject names other bytes[\s\S]*actual statement subject: sha512:/,
      );
      const git = await attestStatement(kit.stack, statement({ gitCommit: 'ab'.repeat(20) }) as never, {
        claims: RELEASE,
      });
      refusal(await local(git.bundlePath), /names no subject by sha256, sha384 or sha512/);
    });
  });

  describe('pull --verify: an attached attestation naming the file by sha512', () => {
    let n = 0;
    const pushWithAttestation = async (subjectOf: (body: string) => Record<string, string>) => {
      const body = `${content}${++n}\n`;
      const a = await craftArtifact(kit.reg, 'octo/app', `npm${n}`, [{ content: body, title: 'pkg.tgz' }]);
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'pkg:npm/pkg@1.0.0', digest: subjectOf(body) }],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: {},
      };
      const { bundle } = await attestStatement(kit.stack, statement as never, { claims: RELEASE });
      const subject = { mediaType: OCI_MANIFEST, digest: a.digest, size: a.bytes.length };
      await pushAttestationReferrer(kit.reg, 'octo/app', subject, JSON.stringify(bundle), {
        predicateType: SLSA_PROVENANCE_V1,
      });
      return { body, tag: `npm${n}` };
    };

    it('lands the file; the chain runs sha512 subject → layer → file', async () => {
      const { body, tag } = await pushWithAttestation((b) => ({ sha512: hash('sha512', b) }));
      const r = await kit.pull(kit.ref(tag), { verify: POLICY, json: true });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.landed).toEqual(['pkg.tgz']);
      expect(r.left).toEqual([]);
      expect(r.json.verification.chain.map((l: { link: string; digest: string }) => [l.link, l.digest])).toEqual([
        ['statement subject', `sha512:${hash('sha512', body)}`],
        ['layer', `sha256:${hash('sha256', body)}`],
        ['file', `sha512:${hash('sha512', body)}`],
        ['file', `sha256:${hash('sha256', body)}`],
      ]);
    });

    it('refuses a sha512 subject over other bytes: exit 3, nothing landed', async () => {
      const { tag } = await pushWithAttestation(() => ({ sha512: hash('sha512', 'other bytes') }));
      const r = await kit.pull(kit.ref(tag), { verify: POLICY });
      refusal(r, /statement subject names other bytes/);
      expect(r.landed ?? []).toEqual([]);
      expect(r.left).toEqual([]);
    });
  });

  describe("signing keys: cosign's --signing-algorithm, and Ed25519 from sigstore-js's bundle builders", () => {
    it.each([
      ['ecdsa-sha2-384-nistp384', 'ECDSA P-384', 'sha384'],
      ['ecdsa-sha2-512-nistp521', 'ECDSA P-521', 'sha512'],
    ])('%s is accepted with cosign 3 and in-process; cosign 2.5 cannot, and says so', async (alg, key, digest) => {
      const { bundlePath, bundle } = await signBlob(kit.stack, file, { claims: RELEASE, signingAlgorithm: alg });
      expect((bundle as any).messageSignature.messageDigest.algorithm).toBe(`SHA2_${digest.slice(3)}`);
      for (const cosign of [cosign3, null]) {
        const r = await local(bundlePath, { cosign });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ signingKey: key, digest: `sha256:${hash('sha256', content)}` });
        expect(JSON.parse(r.stdout).chain[0].digest).toBe(`${digest}:${hash(digest, content)}`);
      }
      refusal(
        await local(bundlePath, { cosign: cosign2 }),
        new RegExp(`cosign 2\\.5 cannot verify a signature over a file's ${digest}.*cosign 3.*--engine sigstore`),
      );
      const other = write(`other-${alg}.json`, 'other bytes');
      refusal(await local(bundlePath, { target: other }), new RegExp(`its ${digest} differs`));
    });

    // cosign 3.1 cannot sign keyless with Ed25519; sigstore-js's bundle builders can (see support).
    it.each(BOTH_AND_ALONE)('an Ed25519 DSSE attestation is accepted with %s', async (_, cosign, verifiers) => {
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'report.json', digest: { sha256: hash('sha256', content) } }],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: {},
      };
      const { bundlePath } = await attestWithEd25519(kit.stack, statement, { claims: RELEASE });
      const r = await local(bundlePath, { cosign });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ signingKey: 'Ed25519', evidence: 'dsse-attestation', verifiers });
      // The same signature over an edited statement (same subject, other predicate) is refused.
      const edited = JSON.parse(readFileSync(bundlePath, 'utf8'));
      const other = { ...statement, predicate: { edited: true } };
      edited.dsseEnvelope.payload = Buffer.from(JSON.stringify(other)).toString('base64');
      const r2 = await local(write(`ed25519-edited-${verifiers.length}.json`, edited), { cosign });
      refusal(r2, /signature rejected: the (signature does not match|transparency log \(Rekor\) entry is for another)/);
    });

    it('an Ed25519 signature over a file is refused by name (pure Ed25519 needs the whole file), exit 3', async () => {
      const { bundlePath } = await signWithEd25519(kit.stack, Buffer.from(content), { claims: RELEASE });
      for (const cosign of [cosign3, null]) {
        refusal(
          await local(bundlePath, { cosign }),
          /holds an Ed25519 key, which ghcr-blob does not verify for a file/,
        );
      }
    });

    it('an RSA key is refused by name, exit 3', async () => {
      const { bundlePath } = await signBlob(kit.stack, file, {
        claims: RELEASE,
        signingAlgorithm: 'rsa-sign-pkcs1-2048-sha256',
      });
      for (const cosign of [cosign3, null]) {
        refusal(await local(bundlePath, { cosign }), /holds an RSA key, which ghcr-blob does not verify/);
      }
    });
  });

  describe('null fields in protobuf-JSON bundles', () => {
    it.each(BOTH_AND_ALONE)(
      'a v0.1 bundle with "timestampVerificationData": null (as the npm registry serves) is accepted with %s',
      async (_, cosign, verifiers) => {
        const { bundle } = await signBlob(kit.stack, file, { claims: RELEASE });
        const v01 = structuredClone(bundle) as any;
        v01.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
        v01.verificationMaterial.x509CertificateChain = { certificates: [v01.verificationMaterial.certificate] };
        v01.verificationMaterial.certificate = null;
        v01.verificationMaterial.publicKey = null;
        v01.verificationMaterial.timestampVerificationData = null;
        const r = await local(write(`v01-null-${verifiers.length}-${cosign === cosign2}.json`, v01), { cosign });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ verifiers, signedTimestamps: [] });
        expect(JSON.parse(r.stdout).integratedTime).toEqual(expect.any(String));
      },
    );
  });

  describe("cosign 2's legacy blob bundle ({base64Signature, cert, rekorBundle})", () => {
    let legacy: string;
    beforeAll(async () => {
      const c2 = (await installedCosigns()).find((c) => c.gen === 2);
      if (!c2) throw new Error('no cosign 2 in .tools/');
      const tokenPath = write('legacy-token', await kit.stack.mintToken(RELEASE));
      legacy = join(dir, 'legacy.bundle');
      // The old format has no place for a timestamp: no --new-bundle-format, no TSA.
      const args = signBlobArgs(2, kit.stack, { file, bundle: legacy, tokenPath }).filter(
        (a, i, all) =>
          a !== '--new-bundle-format' && a !== '--timestamp-server-url' && all[i - 1] !== '--timestamp-server-url',
      );
      const out = await runCosign(c2, args, { home: dir, env: kit.stack.cosign2Env });
      if (out.exitCode !== 0) throw new Error(`cosign 2 sign-blob failed: ${out.stderr}`);
    });

    it('is named, with what to do (re-sign, or convert with cosign 3), exit 3', async () => {
      expect(Object.keys(JSON.parse(readFileSync(legacy, 'utf8'))).sort()).toEqual([
        'base64Signature',
        'cert',
        'rekorBundle',
      ]);
      const r = await local(legacy);
      refusal(r, /is a cosign 2 legacy blob bundle \(\{base64Signature, cert, rekorBundle\}/);
      expect(r.stderr).toMatch(/--new-bundle-format/);
      expect(r.stderr).toMatch(/cosign bundle create --bundle OLD --artifact FILE --out NEW/);
    });
    // `cosign bundle create` fetches the entry's inclusion proof from the public Rekor (it has no
    // --rekor-url), so converting a bundle of the local stack cannot be shown here.
  });

  describe('a Rekor v2 entry that records the bare public key (as sigstore-js writes)', () => {
    const log = createRekorV2Log();
    let root: string;
    let signed: Awaited<ReturnType<typeof signBlob>>;
    beforeAll(async () => {
      root = write(
        'v2-bare-root.json',
        trustedRootWithLog(JSON.parse(readFileSync(kit.stack.tsaOnly.trustedRootPath, 'utf8')), log),
      );
      signed = await signBlob(kit.stack, file, { claims: RELEASE, tsaOnly: true });
    });

    it('verifies in-process; cosign 3 fails it, and the message says cosign cannot verify this entry shape', async () => {
      const bare = write('v2-bare.json', log.logBundle(signed.bundle, 'publicKey'));
      const ok = await local(bare, { root, cosign: null });
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ rekorEntryKind: 'hashedrekord', rekorEntryVersion: '0.0.2' });
      const r = await local(bare, { root });
      refusal(
        r,
        /cosign cannot verify this bundle's entry shape: its Rekor v2 entry records the signer's bare public key/,
      );
      expect(r.stderr).toMatch(/hint: verify with --engine sigstore/);
      // Never reads as tampering: the error line names the shape, cosign's own words come after.
      const errorLine = r.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
      expect(errorLine).not.toMatch(/rejected|does not check out|tamper|does not match/);
      expect(r.stderr).toMatch(/cosign said: .*calculated root/);
    });

    it("a bare key that is not the certificate's stays a plain refusal (not this shape)", async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
        format: 'der',
        type: 'spki',
      });
      const other = write('v2-other-key.json', log.logBundle(signed.bundle, { publicKey: stranger }));
      const r = await local(other, { root });
      refusal(r, /cosign rejected the signature/);
      expect(r.stderr).not.toMatch(/cannot verify this bundle's entry shape/);
    });

    it('a tampered inclusion proof on that shape is refused as tampering (in-process), not as the shape', async () => {
      const json = log.logBundle(signed.bundle, 'publicKey') as any;
      const proof = json.verificationMaterial.tlogEntries[0].inclusionProof;
      const first = Buffer.from(proof.hashes[0], 'base64');
      first[0] = (first[0] ?? 0) ^ 1;
      proof.hashes[0] = first.toString('base64');
      const r = await local(write('v2-bare-tampered.json', json), { root });
      refusal(r, /inclusion proof does not check out/);
      expect(r.stderr).not.toMatch(/cannot verify this bundle's entry shape/);
    });
  });

  describe('--github-workflow without @REF and a reusable workflow pinned by commit sha', () => {
    const SHA = '09b495c3f2a1a4e3b0d9e8c7b6a5f4e3d2c1b0a9';
    const pinned = (jobWorkflowRef: string): MintTokenClaims => ({ ...RELEASE, jobWorkflowRef });
    const ANY_REF = ['--github-workflow', 'shared-org/attest/.github/workflows/attest.yml'];

    it.each(BOTH_AND_ALONE.slice(0, 2))(
      'accepts …/attest.yml@<sha> with %s; the unpinned-form warning stays',
      async (_, cosign) => {
        const { bundlePath } = await signBlob(kit.stack, file, {
          claims: pinned(`shared-org/attest/.github/workflows/attest.yml@${SHA}`),
        });
        const r = await local(bundlePath, { policy: ANY_REF, cosign });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).identity).toBe(
          `https://github.com/shared-org/attest/.github/workflows/attest.yml@${SHA}`,
        );
        expect(r.stderr).toMatch(/warning: --github-workflow .* has no @REF/);
      },
    );

    it.each([
      ['a 41-digit sha', `shared-org/attest/.github/workflows/attest.yml@${SHA}0`],
      ['an evil-prefixed repository', `shared-org/attest-evil/.github/workflows/attest.yml@${SHA}`],
      ['an evil suffix on the file', `shared-org/attest/.github/workflows/attest.yml.evil@${SHA}`],
      ["'.' taken literally", `shared-org/attest/.github/workflows/attestXyml@${SHA}`],
    ])('refuses %s, exit 3', async (_, jobWorkflowRef) => {
      const { bundlePath } = await signBlob(kit.stack, file, { claims: pinned(jobWorkflowRef) });
      refusal(await local(bundlePath, { policy: ANY_REF }), /identity \(SAN\) does not match the policy/);
    });
  });
});
