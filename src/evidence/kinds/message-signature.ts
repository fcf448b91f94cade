/** What `cosign sign-blob --bundle` and `ghcr-blob sign` write: a signature over a sha256 digest. */
import { verifyBlob } from '../../tools/cosign.js';
import type { Runner } from '../../tools/exec.js';
import {
  isSignatureBundle,
  type SignatureBundle,
  type SigstoreBundle,
  verifyMessageInProcess,
} from '../../verify/index.js';
import { verificationError } from '../../core/errors.js';
import { bothVerifiers } from './both.js';
import type { EvidenceKind, VerifiedEvidence, VerifyRequest } from './kind.js';
import { bindSubject } from './subject.js';

export const messageSignature: EvidenceKind<SignatureBundle> = {
  name: 'message-signature',
  recognizes: (bundle) => isSignatureBundle(bundle),
  parse(bundle: SigstoreBundle): SignatureBundle {
    if (!isSignatureBundle(bundle)) throw verificationError('the bundle holds no message signature');
    return bundle;
  },
  subjectDigests: (bundle) => [`sha256:${bundle.content.messageSignature.messageDigest.digest.toString('hex')}`],

  async verify(bundle, { target, bundlePath, check }: VerifyRequest, run: Runner): Promise<VerifiedEvidence> {
    const bound = bindSubject(messageSignature.subjectDigests(bundle), target, 'signed digest');
    const digest = Buffer.from(bound.digest.slice('sha256:'.length), 'hex');
    const { value, verifiers } = await bothVerifiers(
      check,
      bundle,
      async () => verifyMessageInProcess({ bundle, digest, trustedRoot: check.trustedRoot, policy: check.policy }),
      // With no --trusted-root cosign fetches the same public-good root through its own TUF client.
      async (cosign) =>
        verifyBlob(cosign, run, {
          // The digest we hashed (file streamed, or manifest bytes): cosign never reads the blob.
          blob: { sha256: bound.digest.slice('sha256:'.length) },
          bundlePath,
          trustedRootPath: check.trustedRootPath,
          policyFlags: check.policy.cosignFlags(),
          // Only after the in-process side demanded a verified timestamp (verify/verifier.ts).
          noTransparencyLog: check.trustedRoot.tlogs.length === 0,
          noCtLog: check.trustedRoot.ctlogs.length === 0,
        }),
    );
    return { ...value, evidence: 'message-signature', sha256: target.sha256, chain: bound.chain, verifiers };
  },
};
