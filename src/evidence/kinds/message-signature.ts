/** What `cosign sign-blob --bundle` and `ghcr-blob sign` write: a signature over a sha256 digest. */
import type { Runner } from '../../tools/exec.js';
import {
  bundleFacts,
  isSignatureBundle,
  messageDigestAlgorithm,
  type SignatureBundle,
  type SigstoreBundle,
  verifyMessageInProcess,
} from '../../verify/index.js';
import { verificationError } from '../../core/errors.js';
import { bothVerifiers, cosignOverDigest } from './both.js';
import type { EvidenceKind, VerifiedEvidence, VerifyRequest } from './kind.js';
import { bindName } from './name.js';
import { bindSubject } from './subject.js';

export const messageSignature: EvidenceKind<SignatureBundle> = {
  name: 'message-signature',
  recognizes: (bundle, payload) => payload === undefined && isSignatureBundle(bundle),
  parse(bundle: SigstoreBundle): SignatureBundle {
    if (!isSignatureBundle(bundle)) throw verificationError('the bundle holds no message signature');
    return bundle;
  },
  subjectDigests: (bundle) => [
    `${messageDigestAlgorithm(bundle)}:${bundle.content.messageSignature.messageDigest.digest.toString('hex')}`,
  ],
  describe: (bundle) => ({
    evidence: 'message-signature',
    subjects: messageSignature.subjectDigests(bundle),
    bundle: bundleFacts(bundle),
  }),
  // cosign signs sha384/sha512 of the file with P-384/P-521 keys.
  digestsNeeded: (bundle) => [messageDigestAlgorithm(bundle)],

  async verify(bundle, { target, bundlePath, check }: VerifyRequest, run: Runner): Promise<VerifiedEvidence> {
    const bound = bindSubject(messageSignature.subjectDigests(bundle), target, 'signed digest');
    const digest = Buffer.from(bound.digest.slice(bound.digest.indexOf(':') + 1), 'hex');
    const { value, verifiers } = await bothVerifiers(
      check,
      bundle,
      async () => verifyMessageInProcess({ bundle, digest, trustedRoot: check.trustedRoot, policy: check.policy }),
      cosignOverDigest(run, bound.digest, bundlePath, check),
    );
    // A signature over a digest names no repository.
    return {
      ...value,
      evidence: 'message-signature',
      sha256: target.sha256,
      chain: bound.chain,
      verifiers,
      name: bindName(undefined, target),
    };
  },
};
