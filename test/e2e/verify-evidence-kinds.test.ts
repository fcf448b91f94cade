// Issue 10 end to end: what today's Sigstore clients and GitHub produce is accepted with the same
// policy and both verifiers, and everything else is refused with exit 3 and nothing landed.
// Real cosign 3 (and 2.5 where it can), real oras, a real registry, the local Sigstore stack and
// the evidence fixtures of test/support (DSSE attest-blob, TSA-only, Rekor v2-shaped, GitHub-shaped referrers).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { pushAttestationReferrer } from '../support/attestation-referrer.js';
import {
  cosignOf,
  EXIT,
  expectCleanFailure,
  expectNoResult,
  freshCliDirs,
  listFilesRecursive,
  policyFor,
  release,
  sha256Hex as sha256,
  useKit,
  type CliResult,
} from '../support/kit.js';
import { craftArtifact, type CraftedArtifact } from '../support/registry-api.js';
import type { Registry } from '../support/registry.js';
import {
  attestBlob,
  attestStatement,
  inTotoStatement,
  signBlob,
  SLSA_PROVENANCE_V1,
} from '../support/sigstore/evidence.js';
import type { MintTokenClaims, SigstoreStack } from '../support/sigstore/index.js';
import { createRekorV2Log, trustedRootWithLog } from '../support/sigstore/rekor-v2.js';
import { toolsFor } from '../support/tools.js';

const RELEASE = release({ sha: 'a'.repeat(40) });
const POLICY = policyFor(RELEASE);
const cosign3 = cosignOf(3);
const cosign2 = cosignOf(2);

const kit = useKit({ gen: 'sid', sigstore: true, release: RELEASE });
let stack: SigstoreStack;
let reg: Registry;
let dir: string;
let file: string;
const content = '{"release":"v1.2.0"}\n';

beforeAll(() => {
  [stack, reg] = [kit.stack, kit.reg];
  dir = freshCliDirs().cwd;
  file = join(dir, 'report.json');
  writeFileSync(file, content);
});

const write = (name: string, json: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
};

/** `ghcr-blob verify FILE --bundle B` with cosign `cosign` (null: --engine sigstore). */
function verifyLocal(
  bundle: string,
  o: { root?: string; cosign?: string | null; extra?: string[]; target?: string } = {},
) {
  const engine = o.cosign === null ? ['--engine', 'sigstore'] : [];
  return kit.verify(o.target ?? file, {
    bundle,
    policy: POLICY,
    root: o.root,
    json: true,
    extra: [...engine, ...(o.extra ?? [])],
    env: { GHCR_BLOB_COSIGN: o.cosign ?? cosign3 },
  });
}

const refusal = (r: CliResult, check: RegExp) => {
  expectCleanFailure(r, EXIT.VERIFICATION_FAILED, []);
  expect(r.stderr).toMatch(check);
  expectNoResult(r);
};

describe('verify FILE --bundle: DSSE attestations (cosign attest-blob, Statement v0.1)', () => {
  let attestation: string;
  beforeAll(async () => {
    attestation = (await attestBlob(stack, file, { claims: RELEASE })).bundlePath;
  });

  it.each([
    ['cosign 3 and the in-process verifier', cosign3 as string | null],
    ['the in-process verifier alone', null],
  ])('accepts it with %s: subject = the file sha256, predicate SLSA v1', async (_, cosign) => {
    const r = await verifyLocal(attestation, { cosign });
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({
      verified: true,
      evidence: 'dsse-attestation',
      predicateType: SLSA_PROVENANCE_V1,
      digest: `sha256:${sha256(content)}`,
      chain: [
        { link: 'statement subject', digest: `sha256:${sha256(content)}` },
        { link: 'file', digest: `sha256:${sha256(content)}` },
      ],
    });
    expect(v.verifiers).toEqual(cosign ? ['sigstore-js', 'cosign 3'] : ['sigstore-js']);
  });

  it('cosign 2.5 verifies it too (verify-blob --new-bundle-format)', async () => {
    const r = await verifyLocal(attestation, { cosign: cosign2 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verifiers).toEqual(['sigstore-js', 'cosign 2']);
  });

  it.each([
    ['cosign 3', cosign3],
    ['cosign 2.5', cosign2],
  ])('cosign alone also refuses another file (%s): the subject is checked by both', async (_, cosign) => {
    const other = write('other-for-cosign.json', 'other bytes');
    const r = await execa(
      cosign,
      [
        'verify-blob',
        ...(cosign === cosign2 ? ['--new-bundle-format'] : []),
        '--bundle',
        attestation,
        '--trusted-root',
        stack.trustedRootPath,
        '--certificate-identity',
        stack.identityFor(RELEASE),
        '--certificate-oidc-issuer',
        stack.issuer,
        other,
      ],
      { reject: false, env: { HOME: dir } },
    );
    expect(r.exitCode).not.toBe(0);
  });

  it('refuses another file (the subject names other bytes)', async () => {
    const other = write('other.json', 'other bytes');
    refusal(await verifyLocal(attestation, { target: other }), /statement subject names other bytes/);
  });

  it('--predicate-type: the right one accepts, another is refused with expected vs actual', async () => {
    expect((await verifyLocal(attestation, { extra: ['--predicate-type', SLSA_PROVENANCE_V1] })).exitCode).toBe(0);
    const r = await verifyLocal(attestation, { extra: ['--predicate-type', 'https://slsa.dev/provenance/v0.2'] });
    refusal(r, /predicate type is not the one asked for/);
    expect(r.stderr).toMatch(/expected predicate type: https:\/\/slsa\.dev\/provenance\/v0\.2/);
    expect(r.stderr).toMatch(/actual predicate type: +https:\/\/slsa\.dev\/provenance\/v1/);
  });

  it('refuses an envelope whose payload was swapped (the signature is over other bytes)', async () => {
    const json = JSON.parse(readFileSync(attestation, 'utf8'));
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString());
    statement.predicate = { forged: true };
    json.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    refusal(await verifyLocal(write('swapped.json', json), { cosign: null }), /signature rejected/);
  });

  it('refuses a payload type that is not in-toto', async () => {
    const json = JSON.parse(readFileSync(attestation, 'utf8'));
    json.dsseEnvelope.payloadType = 'application/vnd.example+json';
    const r = await verifyLocal(write('ptype.json', json), { cosign: null });
    refusal(r, /payload type is not in-toto/);
  });

  it('refuses a signed statement that names no subject by a digest ghcr-blob computes', async () => {
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'report.json', digest: { gitCommit: 'ab'.repeat(20) } }],
      predicateType: SLSA_PROVENANCE_V1,
      predicate: {},
    };
    const { bundlePath } = await attestStatement(stack, statement as never, { claims: RELEASE });
    refusal(await verifyLocal(bundlePath), /names no subject by sha256, sha384 or sha512/);
  });
});

describe('time sources and logs: TSA-only bundles, Rekor v2 entries', () => {
  it('a TSA-only bundle verifies with a trusted root without logs (cosign 3 and in-process)', async () => {
    const { bundlePath } = await signBlob(stack, file, { claims: RELEASE, tsaOnly: true });
    const r = await verifyLocal(bundlePath, { root: stack.tsaOnly.trustedRootPath });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      evidence: 'message-signature',
      signedTimestamps: [expect.any(String)],
    });
    expect(JSON.parse(r.stdout).rekorLogIndex).toBeUndefined();
  });

  it('a TSA-only bundle is refused with a trusted root that has logs', async () => {
    const { bundlePath } = await signBlob(stack, file, { claims: RELEASE, tsaOnly: true });
    refusal(await verifyLocal(bundlePath), /no transparency log entry, and the trusted root lists transparency logs/);
  });

  it('a TSA-only bundle whose timestamp was removed is refused, though the root has no logs', async () => {
    const { bundle } = await signBlob(stack, file, { claims: RELEASE, tsaOnly: true });
    const stripped = structuredClone(bundle) as any;
    delete stripped.verificationMaterial.timestampVerificationData;
    const r = await verifyLocal(write('no-ts.json', stripped), { root: stack.tsaOnly.trustedRootPath });
    refusal(r, /carries no verifiable signing time/);
  });

  it('a DSSE attestation without a log entry verifies with the log-less root (GitHub private-repo shape)', async () => {
    const { bundlePath } = await attestBlob(stack, file, { claims: RELEASE, tsaOnly: true });
    const r = await verifyLocal(bundlePath, { root: stack.tsaOnly.trustedRootPath });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).evidence).toBe('dsse-attestation');
  });

  describe('Rekor v2 (no integratedTime; the RFC 3161 timestamp is the time source)', () => {
    const log = createRekorV2Log();
    let v2Root: string;
    let v2Bundle: string;
    beforeAll(async () => {
      v2Root = write(
        'v2-root.json',
        trustedRootWithLog(JSON.parse(readFileSync(stack.tsaOnly.trustedRootPath, 'utf8')), log),
      );
      const { bundle } = await signBlob(stack, file, { claims: RELEASE, tsaOnly: true });
      v2Bundle = write('v2.json', log.logBundle(bundle));
    });

    it('verifies with cosign 3 and in-process; the JSON names the entry version', async () => {
      const r = await verifyLocal(v2Bundle, { root: v2Root });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        rekorEntryVersion: '0.0.2',
        verifiers: ['sigstore-js', 'cosign 3'],
      });
      expect(JSON.parse(r.stdout).integratedTime).toBeUndefined();
    });

    it('cosign 2.5 cannot read it: refused, naming cosign 3 and --engine sigstore', async () => {
      const r = await verifyLocal(v2Bundle, { root: v2Root, cosign: cosign2 });
      refusal(r, /cosign 2\.5 cannot read Rekor v2 log entries.*cosign 3.*--engine sigstore/);
      expect((await verifyLocal(v2Bundle, { root: v2Root, cosign: null })).exitCode).toBe(0);
    });

    it('a DSSE attestation logged in Rekor v2 verifies in-process; cosign 3 cannot load that entry kind', async () => {
      const { bundle } = await attestBlob(stack, file, { claims: RELEASE, tsaOnly: true });
      const v2Dsse = write('v2-dsse.json', log.logBundle(bundle));
      const ok = await verifyLocal(v2Dsse, { root: v2Root, cosign: null });
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ evidence: 'dsse-attestation', rekorEntryVersion: '0.0.2' });
      // Both verifiers were asked: cosign's refusal is enough to refuse.
      refusal(await verifyLocal(v2Dsse, { root: v2Root }), /cosign 3 could not read the bundle/);
    });

    it('refuses a v2 entry without its timestamp (nothing vouches for the time)', async () => {
      const json = JSON.parse(readFileSync(v2Bundle, 'utf8'));
      delete json.verificationMaterial.timestampVerificationData;
      refusal(
        await verifyLocal(write('v2-no-ts.json', json), { root: v2Root, cosign: null }),
        /Rekor v2 entry \(it has no integrated time\)/,
      );
    });
  });
});

describe('trusted roots: validFor.end null is still valid', () => {
  it('accepts end: null on every key', async () => {
    const root = JSON.parse(readFileSync(stack.trustedRootPath, 'utf8'));
    for (const k of [...root.tlogs, ...root.ctlogs]) k.publicKey.validFor.end = null;
    for (const a of [...root.certificateAuthorities, ...(root.timestampAuthorities ?? [])])
      a.validFor = { ...a.validFor, end: null };
    const { bundlePath } = await signBlob(stack, file, { claims: RELEASE });
    const r = await verifyLocal(bundlePath, { root: write('null-end.json', root) });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('policy: GitHub claims from the Fulcio certificate', () => {
  const claims = {
    release: RELEASE,
    otherRepo: { ...RELEASE, repository: 'octo/tool' },
    mainx: { ...RELEASE, ref: 'refs/heads/mainx' },
    selfHosted: { ...RELEASE, runnerEnvironment: 'self-hosted' as const },
    reusable: {
      repository: 'octo/tools',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.0',
      jobWorkflowRef: 'shared-org/workflows/.github/workflows/build.yml@refs/tags/v2',
    },
    reusableOther: {
      repository: 'evil/tools',
      workflowPath: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.0',
      jobWorkflowRef: 'shared-org/workflows/.github/workflows/build.yml@refs/tags/v2',
    },
  } satisfies Record<string, MintTokenClaims>;
  const bundles: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, c] of Object.entries(claims))
      bundles[name] = (await signBlob(stack, file, { claims: c })).bundlePath;
  });
  const check = (bundle: string, policy: string[]) =>
    kit.verify(file, { bundle: bundles[bundle]!, policy, json: true, env: { GHCR_BLOB_COSIGN: cosign3 } });
  const anyRef = ['--github-workflow', 'octo/tools/.github/workflows/release.yml'];

  it('--source-repository: right repo accepts; octo/tool vs octo/tools refused with expected vs actual', async () => {
    expect((await check('release', [...POLICY, '--source-repository', 'octo/tools'])).exitCode).toBe(0);
    const r = await check('release', [...POLICY, '--source-repository', 'octo/tool']);
    refusal(r, /source repository does not match the policy/);
    expect(r.stderr).toMatch(/expected source repository: "https:\/\/github\.com\/octo\/tool"/);
    expect(r.stderr).toMatch(/actual source repository: +https:\/\/github\.com\/octo\/tools/);
  });

  it('--source-repository refuses a run for another repository even from the same workflow path', async () => {
    const r = await check('otherRepo', [
      '--certificate-identity-regexp',
      '^https://github\\.com/octo/[a-z]+/\\.github/workflows/release\\.yml@refs/tags/v1\\.2\\.0$',
      '--certificate-oidc-issuer',
      stack.issuer,
      '--source-repository',
      'octo/tools',
    ]);
    refusal(r, /source repository/);
  });

  it('--source-ref / --source-ref-regexp: refs/heads/mainx is not refs/heads/main', async () => {
    expect((await check('release', [...POLICY, '--source-ref', 'refs/tags/v1.2.0'])).exitCode).toBe(0);
    expect((await check('release', [...anyRef, '--source-ref-regexp', '^refs/tags/.*$'])).exitCode).toBe(0);
    refusal(await check('mainx', [...anyRef, '--source-ref', 'refs/heads/main']), /source ref does not match/);
    refusal(
      await check('mainx', [...anyRef, '--source-ref-regexp', '^refs/heads/main$']),
      /actual source ref: +refs\/heads\/mainx/,
    );
    refusal(await check('mainx', [...anyRef, '--source-ref-regexp', '^refs/tags/.*$']), /source ref/);
  });

  it('--source-digest: the commit accepts, another is refused', async () => {
    expect((await check('release', [...POLICY, '--source-digest', 'a'.repeat(40)])).exitCode).toBe(0);
    refusal(await check('release', [...POLICY, '--source-digest', 'b'.repeat(40)]), /source digest/);
  });

  it('--deny-self-hosted-runners: github-hosted accepts, self-hosted is refused', async () => {
    expect((await check('release', [...POLICY, '--deny-self-hosted-runners'])).exitCode).toBe(0);
    const r = await check('selfHosted', [...POLICY, '--deny-self-hosted-runners']);
    refusal(r, /runner environment does not match/);
    expect(r.stderr).toMatch(/actual runner environment: +self-hosted/);
  });

  it('reusable workflow: the shared workflow is the signer; --source-repository names the caller', async () => {
    const shared = ['--github-workflow', 'shared-org/workflows/.github/workflows/build.yml@refs/tags/v2'];
    const ok = await check('reusable', [...shared, '--source-repository', 'octo/tools']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      identity: 'https://github.com/shared-org/workflows/.github/workflows/build.yml@refs/tags/v2',
      repository: 'https://github.com/octo/tools',
    });
    refusal(await check('reusableOther', [...shared, '--source-repository', 'octo/tools']), /source repository/);
  });

  it('--github-workflow without @REF warns on stderr that any branch is accepted', async () => {
    const r = await check('release', anyRef);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: --github-workflow .* has no @REF, so a run of that file on ANY branch is accepted/,
    );
    const pinned = await check('release', POLICY);
    expect(pinned.stderr).not.toMatch(/warning/);
  });

  it.each([
    [[...POLICY, '--certificate-oidc-issuer', 'https://gitlab.com'], /--github-workflow implies the issuer/],
    [
      [...POLICY, '--certificate-oidc-issuer-regexp', '^https://token\\.actions\\.githubusercontent\\.com$'],
      /--github-workflow implies the issuer/,
    ],
    [['--certificate-identity-regexp', '^.*$', '--certificate-oidc-issuer', 'https://x'], /accepts any value/],
    [['--certificate-identity-regexp', '^.+$', '--certificate-oidc-issuer', 'https://x'], /accepts any value/],
    [
      [...POLICY.slice(0, 0), '--certificate-identity', 'x', '--certificate-oidc-issuer-regexp', '^.+$'],
      /accepts any value/,
    ],
    [[...POLICY, '--source-repository', 'octo/tools/extra'], /is not OWNER\/REPO/],
    [[...POLICY, '--source-ref', 'main'], /not a full git ref/],
    [[...POLICY, '--source-ref-regexp', 'refs/tags/'], /not anchored/],
    [[...POLICY, '--source-digest', 'abc'], /not a full commit sha/],
  ])('usage error (exit 2): %j', async (policy, message) => {
    const r = await check('release', policy);
    expectCleanFailure(r, EXIT.USAGE, []);
    expect(r.stderr).toMatch(message);
  });
});

describe('pull --verify / verify <ref>: GitHub-shaped attestations and cosign sign <ref>', () => {
  let n = 0;
  let body = '';
  // Each test its own bytes, so its own manifest and its own referrers.
  const artifact = async (): Promise<CraftedArtifact> => {
    body = `${content}${++n}\n`;
    return craftArtifact(reg, 'octo/app', `v${n}`, [{ content: body, title: 'report.json' }]);
  };
  const subjectOf = (a: CraftedArtifact) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: a.digest,
    size: a.bytes.length,
  });
  const attach = async (
    a: CraftedArtifact,
    digest: string,
    o: { predicateType?: string; claims?: MintTokenClaims; name?: string } = {},
  ) => {
    const statement = inTotoStatement(
      [{ name: o.name ?? `${reg.host}/octo/app`, digest }],
      o.predicateType ?? SLSA_PROVENANCE_V1,
    );
    const { bundle } = await attestStatement(stack, statement, { claims: o.claims ?? RELEASE });
    await pushAttestationReferrer(reg, 'octo/app', subjectOf(a), JSON.stringify(bundle), {
      predicateType: o.predicateType ?? SLSA_PROVENANCE_V1,
    });
  };
  const pull = async (tag: string, extra: string[] = []) => {
    const r = await kit.pull(kit.ref(tag), { verify: POLICY, json: true, extra });
    return { r, out: r.out! };
  };

  it('accepts an actions/attest-shaped referrer whose subject is the manifest digest; JSON shows the chain', async () => {
    const a = await artifact();
    await attach(a, a.digest);
    const { r, out } = await pull(`v${n}`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(body);
    const v = JSON.parse(r.stdout).verification;
    expect(v).toMatchObject({
      evidence: 'dsse-attestation',
      predicateType: SLSA_PROVENANCE_V1,
      verifiers: ['sigstore-js', 'cosign 3'],
    });
    expect(v.chain.map((l: { link: string; digest: string }) => [l.link, l.digest])).toEqual([
      ['statement subject', a.digest],
      ['manifest', a.digest],
      ['layer', `sha256:${sha256(body)}`],
      ['file', `sha256:${sha256(body)}`],
    ]);
  });

  it('its subject name, read as a repository, is compared exactly: bound here, refused for another repository', async () => {
    const a = await artifact();
    await attach(a, a.digest);
    const { r } = await pull(`v${n}`, ['--require-name']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verification.name).toEqual({ bound: true, repository: `${reg.host}/octo/app` });
    const evil = await artifact();
    await attach(evil, evil.digest, { name: `${reg.host}/octo/app-evil` });
    const refused = await pull(`v${n}`);
    expect(refused.r.exitCode, refused.r.stderr).toBe(3);
    expect(refused.r.stderr).toMatch(/names another repository/);
    expect(refused.r.landed ?? []).toEqual([]);
  });

  it('trixie tools (oras 1.2, cosign 2.5) accept the same attestation: cosign 2.5 is handed the manifest bytes', async () => {
    const a = await artifact();
    await attach(a, a.digest);
    const r = await kit.pull(kit.ref(`v${n}`), {
      verify: POLICY,
      json: true,
      env: { GHCR_BLOB_ORAS: toolsFor('trixie').oras, GHCR_BLOB_COSIGN: cosign2 },
    });
    const out = r.out!;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verification).toMatchObject({
      evidence: 'dsse-attestation',
      verifiers: ['sigstore-js', 'cosign 2'],
    });
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(body);
  });

  it('accepts a referrer whose subject is the layer digest (verify <ref>, nothing written)', async () => {
    const a = await artifact();
    await attach(a, `sha256:${sha256(body)}`);
    const r = await kit.verify(kit.ref(`v${n}`), { json: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verification.chain[0]).toMatchObject({
      link: 'statement subject',
      digest: `sha256:${sha256(body)}`,
    });
  });

  it('refuses an attestation about other bytes: exit 3, nothing lands', async () => {
    const a = await artifact();
    await attach(a, `sha256:${sha256('other bytes')}`);
    const { r, out } = await pull(`v${n}`);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(r.stderr).toMatch(/statement subject names other bytes/);
    expect(existsSync(out) ? listFilesRecursive(out) : []).toEqual([]);
  });

  it('refuses an attestation with another predicate type unless --predicate-type asks for it', async () => {
    const a = await artifact();
    await attach(a, a.digest, { predicateType: 'https://example.test/sbom/v1' });
    const refused = await pull(`v${n}`);
    expectCleanFailure(refused.r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(existsSync(refused.out) ? listFilesRecursive(refused.out) : []).toEqual([]);
    const ok = await pull(`v${n}`, ['--predicate-type', 'https://example.test/sbom/v1']);
    expect(ok.r.exitCode, ok.r.stderr).toBe(0);
  });

  it('accepts an artifact signed with `cosign sign <ref>` (cosign 3), same policy, both verifiers', async () => {
    const a = await artifact();
    const home = freshCliDirs().home;
    const docker = join(home, '.docker');
    await execa('mkdir', ['-p', docker]);
    writeFileSync(
      join(docker, 'config.json'),
      JSON.stringify({
        auths: { [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } },
      }),
    );
    const token = write(`token-${n}`, await kit.token());
    const signed = await execa(
      cosign3,
      [
        'sign',
        '--signing-config',
        stack.signingConfigPath,
        '--trusted-root',
        stack.trustedRootPath,
        '--identity-token',
        token,
        '-y',
        `${reg.host}/octo/app@${a.digest}`,
      ],
      { env: { PATH: '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: docker }, extendEnv: false, reject: false },
    );
    expect(signed.exitCode, signed.stderr).toBe(0);
    const { r } = await pull(`v${n}`);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).verification).toMatchObject({
      evidence: 'cosign-signed-artifact',
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      verifiers: ['sigstore-js', 'cosign 3'],
    });
    const { r: other } = await pull(`v${n}`, ['--source-repository', 'octo/tool']);
    expectCleanFailure(other, EXIT.VERIFICATION_FAILED, [reg.password]);
  });
});
