/**
 * A key policy: the bundle must be signed by this public key (cosign's `--key`), not by a keyless
 * certificate. Distinct from an identity policy: a key bundle never satisfies an identity, a
 * certificate never satisfies a key. Whether the signature must be in the transparency log is
 * part of the policy, so verify asks for exactly what signing chose.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { usageError } from '../core/errors.js';
import { readSmallFile } from '../core/json-input.js';

export interface KeyPolicy {
  readonly kind: 'key';
  /** Absolute path of the PEM public key (cosign reads it too). */
  readonly path: string;
  readonly publicKey: KeyObject;
  /** `sha256:<hex>` of the key's SubjectPublicKeyInfo (DER). */
  readonly fingerprint: string;
  /** true: a verified log entry is required; false: signed with --no-tlog-upload, so none may be there. */
  readonly tlog: boolean;
  readonly warnings: readonly string[];
  describe(): string;
  /** The same policy as cosign verify-blob flags. */
  cosignFlags(): string[];
}

export async function loadKeyPolicy(path: string, tlog: boolean): Promise<KeyPolicy> {
  const text = await readSmallFile(path, 'public key');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(text);
  } catch (e) {
    throw usageError(`--key ${path} is not a PEM public key`, 'pass the cosign.pub of the key that signed', e);
  }
  // The in-process verifier checks ECDSA P-256 (cosign's default key) over the digest it hashed.
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw usageError(`--key ${path}: only ECDSA P-256 public keys (cosign's default) are supported`);
  }
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const fingerprint = `sha256:${createHash('sha256').update(der).digest('hex')}`;
  return {
    kind: 'key',
    path,
    publicKey,
    fingerprint,
    tlog,
    warnings: tlog
      ? []
      : [
          'warning: --no-tlog-upload: the signature is checked against the key alone; no transparency log records it, and nothing says when it was made',
        ],
    describe: () => `key ${fingerprint}${tlog ? '' : ', no transparency log'}`,
    cosignFlags: () => ['--key', path],
  };
}
