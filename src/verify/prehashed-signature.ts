import { type KeyObject, verify as nodeVerify } from 'node:crypto';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import type { SignatureBundle } from './bundle.js';
import { digestsEqual } from '../core/digest.js';

type SignatureContent = SignedEntity['signature'];

/**
 * @sigstore/verify checks a message signature by hashing the whole artifact, held in memory.
 * A blob can be gigabytes, so we hand the Verifier this SignatureContent instead: it knows
 * only the file's digest (streamed beforehand, of the algorithm the bundle names) and checks the
 * ECDSA signature against it. ECDSA over a file with SHA-256 *is* ECDSA over sha256(file) (and
 * so for P-384/SHA-384 and P-521/SHA-512, what cosign's --signing-algorithm writes, and P-384
 * over SHA-256, what sigstore-python before 3 wrote), but Node's crypto has no prehashed verify,
 * so @noble/curves does that one step. All other checks (certificate chain, SCTs, Rekor,
 * timestamps) stay the Verifier's own.
 *
 * A small file may be handed over as well (`signed`: the bytes, which the caller checked hash to
 * `digest`): Node's own ECDSA then checks the signature over them. Same signature, same key, same
 * acceptance (DER, either half of s); what it saves is @noble/curves' first verification in a
 * process, ~150 ms of pure-JS curve arithmetic (plus ~50 ms loading it), on every small pull --verify.
 */
export class PrehashedMessageSignature implements SignatureContent {
  constructor(
    readonly signature: Buffer,
    private readonly digest: Buffer,
    private readonly signed?: SignedBytes,
  ) {}

  // Why exact: the Rekor entry must carry this very signature, byte for byte.
  compareSignature(signature: Buffer): boolean {
    return sigstoreCrypto.bufferEqual(signature, this.signature);
  }

  // Why exact: the Rekor entry must name the digest of the file we actually read.
  compareDigest(digest: Buffer): boolean {
    return digestsEqual(digest, this.digest);
  }

  // @sigstore/verify 4: for a message signature the signed bytes are the file, so the same digest.
  compareSignedDigest(digest: Buffer): boolean {
    return this.compareDigest(digest);
  }

  verifySignature(key: KeyObject): boolean {
    const { name, point } = ecdsaKey(key);
    if (this.signed) {
      try {
        return nodeVerify(this.signed.algorithm, this.signed.bytes, key, this.signature);
      } catch {
        return false; // malformed DER: not a valid signature
      }
    }
    if (!nist) throw new GhcrBlobError('INTERNAL', 'a signature over a digest alone, checked before loadCurves()');
    const curve = nist[name];
    try {
      // DER as cosign writes it; lowS off because Go's ECDSA does not normalise s (and
      // OpenSSL accepts both halves), so a high-s signature is as valid for cosign as for us.
      return curve.verify(this.signature, this.digest, point, { prehash: false, lowS: false, format: 'der' });
    } catch {
      return false; // malformed DER or point: not a valid signature
    }
  }
}

/** The signed bytes themselves, and the digest algorithm the signature is over (the bundle's). */
export interface SignedBytes {
  algorithm: string;
  bytes: Buffer;
}

/** The bundle as @sigstore/verify's SignedEntity, its signature checked against `digest` (or `signed`). */
export function toPrehashedEntity(bundle: SignatureBundle, digest: Buffer, signed?: SignedBytes): SignedEntity {
  // The artifact argument only feeds the signature check we replace, so no file bytes are needed.
  const entity = toSignedEntity(bundle, Buffer.alloc(0));
  return {
    ...entity,
    signature: new PrehashedMessageSignature(bundle.content.messageSignature.signature, digest, signed),
  };
}

// Loaded only for a signature checked over a digest alone (a file too large to hold).
let nist: typeof import('@noble/curves/nist.js') | undefined;

/** Loads @noble/curves, which a signature over a digest alone needs; once per process. */
export async function loadCurves(): Promise<void> {
  nist ??= await import('@noble/curves/nist.js');
}

const CURVES = { prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' } as const;

/**
 * The curve and uncompressed SEC1 point (04 || x || y) of an ECDSA P-256, P-384 or P-521 key; other
 * keys are refused by name. Ed25519 signs the whole file (pure EdDSA), which a signature over a
 * digest cannot be checked against; RSA is not among the keys Fulcio's clients sign with by default.
 */
function ecdsaKey(key: KeyObject): { name: (typeof CURVES)[keyof typeof CURVES]; point: Uint8Array } {
  const named = key.asymmetricKeyDetails?.namedCurve;
  const curve =
    key.asymmetricKeyType === 'ec' && named !== undefined ? CURVES[named as keyof typeof CURVES] : undefined;
  if (!curve) {
    const kind =
      key.asymmetricKeyType === 'ec'
        ? `EC ${named ?? '?'}`
        : key.asymmetricKeyType === 'ed25519'
          ? 'Ed25519'
          : (key.asymmetricKeyType?.toUpperCase() ?? 'unknown');
    throw verificationError(
      `the signing certificate holds an ${kind} key; a signature over a file is verified for ECDSA P-256, P-384 and P-521 keys only`,
    );
  }
  const jwk = key.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
  return { name: curve, point };
}
