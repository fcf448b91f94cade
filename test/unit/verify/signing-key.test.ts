// Which certificate keys ghcr-blob verifies: what both cosign and @sigstore/verify check. Others
// are refused by name before any signature is looked at.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { requireSupportedKey } from '../../../src/verify/signing-key.js';

const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });
const ec = (namedCurve: string) => spki(generateKeyPairSync('ec', { namedCurve }).publicKey);

describe('requireSupportedKey', () => {
  it.each([
    ['P-256', 'ECDSA P-256'],
    ['P-384', 'ECDSA P-384'],
    ['P-521', 'ECDSA P-521'],
  ])('accepts ECDSA %s over a file and over a DSSE envelope', (curve, name) => {
    expect(requireSupportedKey(ec(curve), 'a file')).toBe(name);
    expect(requireSupportedKey(ec(curve), 'a DSSE envelope')).toBe(name);
  });

  it('accepts Ed25519 over a DSSE envelope only: over a file it would need the whole file', () => {
    const ed = spki(generateKeyPairSync('ed25519').publicKey);
    expect(requireSupportedKey(ed, 'a DSSE envelope')).toBe('Ed25519');
    expect(() => requireSupportedKey(ed, 'a file')).toThrow(
      /holds an Ed25519 key, which ghcr-blob does not verify for a file/,
    );
  });

  it.each([
    ['RSA', () => spki(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey), /an RSA key/],
    ['secp256k1', () => ec('secp256k1'), /an EC secp256k1 key/],
    ['Ed448', () => spki(generateKeyPairSync('ed448').publicKey), /an ED448 key/],
  ])('refuses %s by name (VERIFICATION_FAILED), listing what is supported', (_name, key, message) => {
    for (const signs of ['a file', 'a DSSE envelope'] as const) {
      try {
        requireSupportedKey(key(), signs);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(GhcrBlobError);
        expect((e as GhcrBlobError).code).toBe('VERIFICATION_FAILED');
        expect((e as GhcrBlobError).message).toMatch(message);
        expect((e as GhcrBlobError).details.join('\n')).toMatch(/supported: ECDSA P-256, P-384, P-521/);
      }
    }
  });

  it('refuses bytes that are no key', () => {
    expect(() => requireSupportedKey(Buffer.from('nope'), 'a file')).toThrow(/public key cannot be read/);
  });
});
