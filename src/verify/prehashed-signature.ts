import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { crypto as sigstoreCrypto } from '@sigstore/core';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { verificationError } from '../core/errors.js';
import type { SignatureBundle } from './bundle.js';
import { digestsEqual } from '../core/digest.js';

type SignatureContent = SignedEntity['signature'];

/**
 * @sigstore/verify checks a message signature by hashing the whole artifact, held in memory.
 * A blob can be gigabytes, so we hand the Verifier this SignatureContent instead: it knows
 * only the file's sha256 (streamed beforehand) and checks the ECDSA signature against that
 * digest. ECDSA-P256-SHA256 over a file *is* ECDSA over sha256(file), but Node's crypto has
 * no prehashed verify, so @noble/curves does that one step. All other checks (certificate
 * chain, SCTs, Rekor, timestamps) stay the Verifier's own.
 */
export class PrehashedMessageSignature implements SignatureContent {
  constructor(
    readonly signature: Buffer,
    private readonly digest: Buffer,
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
    const point = p256Point(key);
    try {
      // DER as cosign writes it; lowS off because Go's ECDSA does not normalise s (and
      // OpenSSL accepts both halves), so a high-s signature is as valid for cosign as for us.
      return p256.verify(this.signature, this.digest, point, { prehash: false, lowS: false, format: 'der' });
    } catch {
      return false; // malformed DER or point: not a valid signature
    }
  }
}

/** The bundle as @sigstore/verify's SignedEntity, its signature checked against `digest`. */
export function toPrehashedEntity(bundle: SignatureBundle, digest: Buffer): SignedEntity {
  // The artifact argument only feeds the signature check we replace, so no file bytes are needed.
  const entity = toSignedEntity(bundle, Buffer.alloc(0));
  return { ...entity, signature: new PrehashedMessageSignature(bundle.content.messageSignature.signature, digest) };
}

/** Uncompressed SEC1 point (04 || x || y) of a P-256 key; other keys are refused by name. */
function p256Point(key: KeyObject): Uint8Array {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${curve ?? '?'}` : String(key.asymmetricKeyType);
    throw verificationError(
      `the signing certificate holds a ${kind} key; only ECDSA P-256 (cosign's default) is supported`,
    );
  }
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
}
