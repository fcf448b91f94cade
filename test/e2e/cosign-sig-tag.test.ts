// Signatures in cosign's `.sig` tag format, end to end: what real cosign 2.5 `cosign sign <ref>`
// (its default) and cosign 3 `cosign sign --new-bundle-format=false` write beside a pushed
// artifact is accepted by `pull --verify` and `verify REF` with both verifiers; every tampered
// `.sig` ends with exit 3 and nothing landed, and each verifier alone refuses the tampered
// signatures it is there to refuse. cosign reads registry credentials only from a docker config:
// this TEST gives cosign one in a temp folder; ghcr-blob never writes one (checked on every run).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/core/digest.js';
import { legacyLayerBundle } from '../../src/verify/cosign-legacy.js';
import { cosignSignRef, type SignOptions } from '../support/cosign-sign.js';
import { cosignOf, EXIT, expectCleanFailure, expectNoResult, RELEASE, type Run, useKit } from '../support/kit.js';
import { craftArtifact, getBlob, getManifest, type CraftedArtifact } from '../support/registry-api.js';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore/index.js';

const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const REPO = 'octo/file';
const cosign2 = cosignOf(2);
const cosign3 = cosignOf(3);

const kit = useKit({ gen: 'sid', sigstore: true, repo: REPO });
let other: SigstoreStack; // a Fulcio the trusted root does not know
let counter = 0;
beforeAll(async () => {
  other = await startSigstoreStack();
});
afterAll(async () => other?.close());

/** What the tests need of an artifact: its digest, and `repo@digest`. */
type Pushed = Pick<CraftedArtifact, 'digest' | 'digestRef'>;

/** `ghcr-blob push`, as a producer would push the file before signing it with `cosign sign`. */
async function pushWithCli(): Promise<Pushed> {
  const r = await kit.push(kit.ref(`v${++counter}`), kit.file(`release ${++counter}\n`, 'report.txt'));
  if (r.exitCode !== 0) throw new Error(`push failed: ${r.stderr}`);
  const { digest } = r.json as { digest: string };
  return { digest, digestRef: `${REPO}@${digest}` };
}

const cosignSign = (cosign: string, art: Pushed, o: SignOptions = {}) =>
  cosignSignRef(cosign, kit.reg, pinned(art), { stack: kit.stack, claims: RELEASE, ...o });

/** An artifact written straight through the registry API (tampering tests need many). */
async function pushArtifact(content = `release ${++counter}\n`): Promise<Pushed> {
  return craftArtifact(kit.reg, REPO, `v${++counter}`, [{ content, title: 'report.txt' }]);
}

interface SigLayer {
  payload: Buffer;
  annotations: Record<string, string>;
}

const sigTag = (art: Pushed) => `${art.digest.replace(':', '-')}.sig`;

async function readSig(art: Pushed): Promise<SigLayer[]> {
  const m = JSON.parse((await getManifest(kit.reg, REPO, sigTag(art))).bytes.toString('utf8')) as {
    layers: { digest: string; annotations: Record<string, string> }[];
  };
  return Promise.all(
    m.layers.map(async (l) => ({ payload: await getBlob(kit.reg, REPO, l.digest), annotations: l.annotations })),
  );
}

/** Writes `layers` as `art`'s `.sig` tag (what anyone who can push to the repository can do). */
async function writeSig(art: Pushed, layers: SigLayer[], repo = REPO): Promise<void> {
  await craftArtifact(
    kit.reg,
    repo,
    sigTag(art),
    layers.map((l) => ({ content: l.payload, mediaType: SIMPLE_SIGNING, annotations: l.annotations })),
  );
}

const pinned = (art: Pushed) => `${kit.reg.host}/${art.digestRef}`;

/** `pull --verify --json` of the pinned artifact, with the kit's release policy unless another. */
const pullVerify = (art: Pushed, o: { cosign?: string; extra?: string[]; policy?: string[] } = {}): Promise<Run> =>
  kit.pull(pinned(art), {
    verify: o.policy ?? true,
    json: true,
    ...(o.extra ? { extra: o.extra } : {}),
    env: { GHCR_BLOB_COSIGN: o.cosign ?? cosign3 },
  });

const verifyRef = (art: Pushed, o: { extra?: string[] } = {}): Promise<Run> =>
  kit.verify(pinned(art), { json: true, ...(o.extra ? { extra: o.extra } : {}) });

/** Exit 3, nothing landed, nothing left in TMPDIR or the output folder. */
function expectRefused(r: Run, check: RegExp): void {
  expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
  expect(r.landed ?? []).toEqual([]);
  expect(r.left).toEqual([]);
  expect(r.stderr).toMatch(check);
  expectNoResult(r);
}

describe.each([
  ['cosign 2.5 (its default format)', cosign2],
  ['cosign 3 --new-bundle-format=false', cosign3],
])('a .sig written by %s', (_, signer) => {
  let art: Pushed;
  beforeAll(async () => {
    art = await pushWithCli();
    await cosignSign(signer, art);
  });

  it.each([
    ['cosign 3', cosign3, ['sigstore-js', 'cosign 3']],
    ['cosign 2.5', cosign2, ['sigstore-js', 'cosign 2']],
  ])('pull --verify accepts it, checked by sigstore-js and %s', async (_n, cosign, verifiers) => {
    const r = await pullVerify(art, { cosign });
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout).verification;
    expect(v).toMatchObject({
      evidence: 'cosign-simple-signing',
      signatureSource: 'sig-tag',
      signatureLayer: 0,
      identity: kit.stack.identityFor(RELEASE),
      verifiers,
    });
    expect(v.chain.map((l: { link: string }) => l.link)).toEqual([
      'signed digest',
      'signed payload',
      'manifest',
      'layer',
      'file',
    ]);
    expect(v.chain[1].digest).toBe(art.digest);
    expect(r.landed).toEqual(['report.txt']);
    expect(r.left).toEqual([]);
  });

  it('verify REF accepts it (--engine sigstore too)', async () => {
    for (const extra of [[], ['--engine', 'sigstore']]) {
      const r = await verifyRef(art, { extra });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).verification.evidence).toBe('cosign-simple-signing');
    }
  });
});

describe('a legacy .att attestation (cosign 2.5 `cosign attest`)', () => {
  let art: Pushed;
  beforeAll(async () => {
    art = await pushArtifact();
    await cosignSign(cosign2, art, {
      attest: { type: 'slsaprovenance1', predicate: { buildDefinition: {}, runDetails: {} } },
    });
  });

  it.each([
    ['cosign 3', cosign3, ['sigstore-js', 'cosign 3']],
    ['cosign 2.5', cosign2, ['sigstore-js', 'cosign 2']],
  ])(
    'counts as SLSA provenance (the default --predicate-type), checked by sigstore-js and %s',
    async (_n, cosign, verifiers) => {
      const r = await pullVerify(art, { cosign });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).verification).toMatchObject({
        evidence: 'dsse-attestation',
        predicateType: 'https://slsa.dev/provenance/v1',
        signatureSource: 'att-tag',
        verifiers,
      });
    },
  );

  it.each([
    ['a signature (cosign sign/v1): provenance by the same identity is not one', 'https://sigstore.dev/cosign/sign/v1'],
    ['another predicate type', 'https://example.test/sbom/v1'],
  ])('does not count when --predicate-type asks for %s', async (_n, type) => {
    const r = await pullVerify(art, { extra: ['--predicate-type', type] });
    expectRefused(
      r,
      /predicate type is not the one asked for[\s\S]*actual predicate type:\s+https:\/\/slsa.dev\/provenance\/v1/,
    );
  });
});

describe("cosign 3's default `cosign sign <ref>` (a bundle referrer) beside a SLSA provenance by the same identity", () => {
  let art: Pushed;
  let provenanceOnly: Pushed;
  beforeAll(async () => {
    art = await pushArtifact();
    await cosignSign(cosign3, art, { newBundleFormat: true });
    provenanceOnly = await pushArtifact();
    await cosignSign(cosign2, provenanceOnly, {
      attest: { type: 'slsaprovenance1', predicate: { buildDefinition: {}, runDetails: {} } },
    });
  });

  it('the cosign sign/v1 statement counts as a signature, whatever --predicate-type says', async () => {
    for (const extra of [[], ['--predicate-type', 'https://sigstore.dev/cosign/sign/v1']]) {
      const r = await pullVerify(art, { extra });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).verification).toMatchObject({
        evidence: 'cosign-signed-artifact',
        signatureSource: 'referrer',
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
      });
    }
  });

  it('asked for a signature, a provenance by the same identity does not count: exit 3, nothing lands', async () => {
    const r = await pullVerify(provenanceOnly, { extra: ['--predicate-type', 'https://sigstore.dev/cosign/sign/v1'] });
    expectRefused(r, /predicate type is not the one asked for/);
  });
});

describe('tampered .sig tags: exit 3, nothing lands', () => {
  /** A signed artifact and its genuine `.sig` layers (cosign 2.5). */
  const signed = async (o: SignOptions = {}) => {
    const art = await pushArtifact();
    await cosignSign(cosign2, art, o);
    return { art, layers: await readSig(art) };
  };

  const refused = async (art: Pushed, check: RegExp, o: { policy?: string[] } = {}) => {
    for (const extra of [[], ['--engine', 'sigstore']]) {
      expectRefused(await pullVerify(art, { ...o, extra }), check);
    }
  };

  it('another identity signed it', async () => {
    const { art } = await signed({ claims: { ...RELEASE, repository: 'octo/tools-evil' } });
    await refused(art, /none matches the policy[\s\S]*identity/);
  });

  it('a .sig copied from another artifact names that artifact, and says so', async () => {
    const source = await signed();
    const victim = await pushArtifact();
    await writeSig(victim, source.layers);
    await refused(victim, new RegExp(`another manifest[\\s\\S]*docker-manifest-digest:\\s+${source.art.digest}`));
  });

  it('a .sig copied with the same manifest into another repository: its docker-reference names the first (exit 3)', async () => {
    const content = `release ${++counter}\n`;
    const source = await pushArtifact(content);
    await cosignSign(cosign2, source);
    // The same bytes and title give the same manifest digest in any repository.
    const copy = await craftArtifact(kit.reg, `${REPO}-evil`, 'v1', [{ content, title: 'report.txt' }]);
    expect(copy.digest).toBe(source.digest);
    await writeSig(copy, await readSig(source), `${REPO}-evil`);
    const r = await pullVerify({ digest: copy.digest, digestRef: copy.digestRef });
    expectRefused(r, /names another repository/);
    expect(r.stderr).toContain(`signed repository:   ${kit.reg.host}/${REPO}\n`);
    expect(r.stderr).toContain(`pulled from:         ${kit.reg.host}/${REPO}-evil`);
    // In its own repository the docker-reference is a name: --require-name accepts it.
    const own = await pullVerify(source, { extra: ['--require-name'] });
    expect(own.exitCode, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout).verification.name).toEqual({ bound: true, repository: `${kit.reg.host}/${REPO}` });
  });

  it('a payload edited to name this artifact no longer matches its signature', async () => {
    const source = await signed();
    const victim = await pushArtifact();
    const layer = source.layers[0]!;
    const payload = Buffer.from(layer.payload.toString('utf8').replace(source.art.digest, victim.digest));
    await writeSig(victim, [{ payload, annotations: layer.annotations }]);
    await refused(victim, /none matches the policy/);
  });

  it('a bare key (no certificate) is refused under an identity policy (GHSA-fx35-mq7g-6g98)', async () => {
    const { art, layers } = await signed();
    const { 'dev.sigstore.cosign/certificate': _c, 'dev.sigstore.cosign/chain': _ch, ...bare } = layers[0]!.annotations;
    await writeSig(art, [{ payload: layers[0]!.payload, annotations: bare }]);
    await refused(art, /bare key[\s\S]*GHSA-fx35-mq7g-6g98/);
  });

  it('a certificate from a CA the trusted root does not hold (broken chain)', async () => {
    const { art } = await signed({ fulcio: other });
    await refused(art, /none matches the policy[\s\S]*certificate/);
  });

  it('a signed entry timestamp over another log body', async () => {
    const { art, layers } = await signed();
    const another = await signed();
    const set = JSON.parse(layers[0]!.annotations['dev.sigstore.cosign/bundle']!);
    set.SignedEntryTimestamp = JSON.parse(
      another.layers[0]!.annotations['dev.sigstore.cosign/bundle']!,
    ).SignedEntryTimestamp;
    await writeSig(art, [
      {
        payload: layers[0]!.payload,
        annotations: { ...layers[0]!.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(set) },
      },
    ]);
    await refused(art, /none matches the policy[\s\S]*(signed entry timestamp|inclusion promise)/i);
  });

  it('several layers: the first that passes wins; an unusable one before it is reported as skipped', async () => {
    const { art, layers } = await signed();
    const junk = { payload: Buffer.from('{}'), annotations: {} };
    await writeSig(art, [junk, layers[0]!]);
    const r = await pullVerify(art);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout).verification;
    expect(v.signatureLayer).toBe(1);
    expect(v.skippedSignatures).toEqual([
      expect.objectContaining({ source: 'sig-tag', layer: 0, reason: expect.stringMatching(/bare key/) }),
    ]);
  });
});

describe('cosign alone refuses what the verifiers are there to refuse', () => {
  /** cosign verify-blob over the payload's sha256 with the layer rebuilt as ghcr-blob rebuilds it. */
  async function cosignAlone(cosign: string, layer: SigLayer) {
    const dir = mkdtempSync(join(tmpdir(), 'cosign-alone-'));
    const bundle = join(dir, 'bundle.json');
    writeFileSync(bundle, legacyLayerBundle({ simpleSigning: layer.payload }, layer.annotations).json);
    const args = ['verify-blob', ...(cosign === cosign2 ? ['--new-bundle-format'] : []), '--bundle', bundle];
    const { stack } = kit;
    const policy = ['--certificate-identity', stack.identityFor(RELEASE), '--certificate-oidc-issuer', stack.issuer];
    const digest = `sha256:${sha256Bytes(layer.payload).toString('hex')}`;
    try {
      return await execa(cosign, [...args, ...policy, '--trusted-root', stack.trustedRootPath, digest], {
        reject: false,
        cwd: dir,
        extendEnv: false,
        env: { PATH: '/usr/bin:/bin', HOME: dir },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  let genuine: SigLayer;
  let another: SigLayer;
  let foreign: SigLayer;
  beforeAll(async () => {
    const a = await pushArtifact();
    await cosignSign(cosign2, a);
    const b = await pushArtifact();
    await cosignSign(cosign2, b);
    const c = await pushArtifact();
    await cosignSign(cosign2, c, { fulcio: other });
    const first = async (art: Pushed) => (await readSig(art))[0] as SigLayer;
    [genuine, another, foreign] = await Promise.all([first(a), first(b), first(c)]);
  });

  const tampered = (): [string, () => SigLayer][] => [
    [
      'an edited payload',
      () => ({
        ...genuine,
        payload: Buffer.from(genuine.payload.toString('utf8').replace('"critical"', '"critical" ')),
      }),
    ],
    [
      'a SET over another body',
      () => {
        const set = JSON.parse(genuine.annotations['dev.sigstore.cosign/bundle']!);
        set.SignedEntryTimestamp = JSON.parse(another.annotations['dev.sigstore.cosign/bundle']!).SignedEntryTimestamp;
        return {
          ...genuine,
          annotations: { ...genuine.annotations, 'dev.sigstore.cosign/bundle': JSON.stringify(set) },
        };
      },
    ],
    ['a broken chain', () => foreign],
  ];

  it.each([
    ['cosign 3', cosign3],
    ['cosign 2.5', cosign2],
  ])('%s: accepts the genuine layer, refuses each tampered one', async (_, cosign) => {
    expect((await cosignAlone(cosign, genuine)).exitCode).toBe(0);
    for (const [name, make] of tampered()) {
      const r = await cosignAlone(cosign, make());
      expect(r.exitCode, `${name} accepted by cosign`).not.toBe(0);
    }
  });
});
