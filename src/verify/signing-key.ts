/**
 * Which signing keys ghcr-blob verifies: the ones both of its verifiers (cosign and
 * @sigstore/verify) check — ECDSA P-256, P-384 and P-521 (cosign's --signing-algorithm,
 * sigstore-python before 3), and Ed25519 over a DSSE envelope. Anything else is refused by name
 * before any signature is checked, so the message says what the key is, not "bad signature".
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { verificationError } from '../core/errors.js';

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** `ECDSA P-384`, `Ed25519`, `RSA`, `EC secp256k1`: how a person names the key. */
export function keyName(key: KeyObject): string {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '?';
    return CURVES[curve] ? `ECDSA ${CURVES[curve]}` : `EC ${curve}`;
  }
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  return (key.asymmetricKeyType ?? 'unknown').toUpperCase();
}

/**
 * Refuses a certificate key ghcr-blob does not verify. A signature over a file is checked from the
 * file's digest, which pure Ed25519 (it signs the whole message) cannot be checked against.
 */
export function requireSupportedKey(spki: Uint8Array, signs: 'a file' | 'a DSSE envelope'): string {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw verificationError("the signing certificate's public key cannot be read", [String(e)], e);
  }
  const name = keyName(key);
  const ecdsa = key.asymmetricKeyType === 'ec' && CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] !== undefined;
  const ed25519 = key.asymmetricKeyType === 'ed25519' && signs === 'a DSSE envelope';
  if (!ecdsa && !ed25519) {
    throw verificationError(
      `the signing certificate holds an ${name} key, which ghcr-blob does not verify for ${signs}`,
      [
        `supported: ECDSA P-256, P-384, P-521${signs === 'a DSSE envelope' ? ', Ed25519' : ' (Ed25519 only over a DSSE envelope)'}`,
      ],
    );
  }
  return name;
}
