/**
 * A layer of cosign's `.sig` tag (cosign ≤ 2 `cosign sign <ref>`, cosign 3 with
 * `--new-bundle-format=false`): a signature over a simple-signing payload that names the image
 * manifest digest. The tag's name is attacker-chosen (anyone who can push writes it), so the one
 * thing binding the layer to the artifact is the signed payload's
 * `critical.image.docker-manifest-digest`, which must be the pinned manifest digest. Both
 * verifiers check the signature over the payload bytes: in-process over the bytes themselves,
 * cosign `verify-blob` over their sha256 with the rebuilt bundle (no registry, so no credentials).
 */
import { ociDigest, sha256Bytes } from '../../core/digest.js';
import { verificationError } from '../../core/errors.js';
import { printableLine } from '../../core/printable.js';
import {
  bundleFacts,
  isSignatureBundle,
  parseSimpleSigning,
  type SignatureBundle,
  type SimpleSigning,
  verifyPayloadInProcess,
} from '../../verify/index.js';
import { bothVerifiers, cosignOverDigest } from './both.js';
import type { ChainLink, EvidenceKind } from './kind.js';
import { bindName } from './name.js';
import { BY_ORAS, BY_US_MANIFEST, byUsFile } from './subject.js';

export interface SimpleSigningEvidence {
  bundle: SignatureBundle;
  payload: Buffer;
  claim: SimpleSigning;
}

export const cosignSimpleSigning: EvidenceKind<SimpleSigningEvidence> = {
  name: 'cosign-simple-signing',
  recognizes: (bundle, payload) => payload !== undefined && isSignatureBundle(bundle),
  parse(bundle, payload) {
    if (!payload || !isSignatureBundle(bundle)) throw verificationError('not a cosign simple-signing signature');
    return { bundle, payload, claim: parseSimpleSigning(payload) };
  },
  subjectDigests: (e) => [e.claim.manifestDigest],
  describe: (e) => ({
    evidence: 'cosign-simple-signing',
    subjects: [e.claim.manifestDigest],
    bundle: bundleFacts(e.bundle),
  }),

  async verify({ bundle, payload, claim }, { target, bundlePath, check }, run) {
    const art = target.artifact;
    // Why exact: the signed payload's manifest digest is all that ties a `.sig` to this artifact.
    if (!art || claim.manifestDigest !== art.manifestDigest) {
      throw verificationError('the signature is about another artifact: its signed payload names another manifest', [
        `expected docker-manifest-digest: ${art?.manifestDigest ?? '(a reference, not a local file)'}`,
        `actual docker-manifest-digest:   ${printableLine(claim.manifestDigest, 100)}`,
      ]);
    }
    if (art.layerDigest !== `sha256:${target.sha256}`)
      throw verificationError('the file that landed is not the layer the manifest names');
    // A `.sig` layer is checked against a certificate identity; key-signed `.sig` layers are not read.
    const policy = check.policy;
    if (policy.kind !== 'identity')
      throw verificationError('a cosign .sig signature is read only under an identity policy, not --key');
    const payloadDigest = ociDigest(sha256Bytes(payload));
    const { value, verifiers } = await bothVerifiers(
      check,
      bundle,
      async () => verifyPayloadInProcess({ bundle, payload, trustedRoot: check.trustedRoot, policy }),
      cosignOverDigest(run, payloadDigest, bundlePath, check),
    );
    const chain: ChainLink[] = [
      { link: 'signed digest', digest: payloadDigest, checkedBy: 'the verified signature' },
      {
        link: 'signed payload',
        digest: art.manifestDigest,
        checkedBy: "ghcr-blob: the payload's docker-manifest-digest",
      },
      { link: 'manifest', digest: art.manifestDigest, checkedBy: BY_US_MANIFEST },
      { link: 'layer', digest: art.layerDigest, checkedBy: BY_ORAS },
      { link: 'file', digest: art.layerDigest, checkedBy: byUsFile('sha256') },
    ];
    // The signed payload's docker-reference is the repository cosign signed the image as.
    const name = bindName({ repository: claim.dockerReference, namesTitle: false }, target);
    return { ...value, evidence: 'cosign-simple-signing', sha256: target.sha256, chain, verifiers, name };
  },
};
