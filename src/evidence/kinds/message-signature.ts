/** What `cosign sign-blob --bundle` and `ghcr-blob sign` write: a signature over a sha256 digest. */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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
      async () =>
        verifyMessageInProcess({
          bundle,
          digest,
          ...(bound.names === 'file' ? await heldIfSmall(target.file) : {}),
          trustedRoot: check.trustedRoot,
          policy: check.policy,
        }),
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

/**
 * Files up to this size are read into memory for the in-process check, which then verifies the
 * signature over the bytes with Node's own ECDSA (verify/prehashed-signature.ts); larger ones are
 * checked over their digest alone, never held.
 */
export const HOLD_MAX_BYTES = 8 * 1024 * 1024;

/** The file's bytes, when it is a regular file small enough to hold; verifyMessageInProcess checks they hash to the digest. */
export async function heldIfSmall(file: string): Promise<{ bytes?: Buffer }> {
  // Non-blocking: a file swapped for a FIFO after it was hashed would otherwise hold the run until
  // someone writes to it (opening a FIFO to read waits for a writer); it is then no regular file.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return {};
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > HOLD_MAX_BYTES) return {};
    // One byte more than it had: a file that grew since is not held (and never read whole).
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > info.size) return {};
    }
    return { bytes: buffer.subarray(0, length) };
  } catch {
    return {};
  } finally {
    await handle.close();
  }
}
