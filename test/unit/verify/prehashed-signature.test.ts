import { createHash, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { loadCurves, PrehashedMessageSignature } from '../../../src/verify/prehashed-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = Buffer.from('the file, as bytes');
const digest = createHash('sha256').update(data).digest();
const der = sign('sha256', data, privateKey); // what cosign's ECDSA-P256-SHA256 produces

/** The same signature with s replaced by n - s: equally valid ECDSA (Go and OpenSSL accept it). */
function otherHalf(signature: Buffer): Buffer {
  const sig = p256.Signature.fromBytes(signature, 'der');
  return Buffer.from(new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s).toBytes('der'));
}

describe('PrehashedMessageSignature', () => {
  beforeAll(loadCurves);

  it('verifies a signature over the file from the digest alone', () => {
    expect(new PrehashedMessageSignature(der, digest).verifySignature(publicKey)).toBe(true);
  });

  it('rejects another digest, another key, and a damaged signature', () => {
    const otherDigest = createHash('sha256').update('other').digest();
    expect(new PrehashedMessageSignature(der, otherDigest).verifySignature(publicKey)).toBe(false);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(new PrehashedMessageSignature(der, digest).verifySignature(stranger)).toBe(false);
    const flipped = Buffer.from(der);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(new PrehashedMessageSignature(flipped, digest).verifySignature(publicKey)).toBe(false);
    expect(new PrehashedMessageSignature(der.subarray(0, 20), digest).verifySignature(publicKey)).toBe(false);
    expect(new PrehashedMessageSignature(Buffer.alloc(0), digest).verifySignature(publicKey)).toBe(false);
  });

  it('agrees with OpenSSL on both halves of s (cosign signatures are not normalised)', () => {
    for (const signature of [der, otherHalf(der)]) {
      expect(verify('sha256', data, publicKey, signature)).toBe(true);
      expect(new PrehashedMessageSignature(signature, digest).verifySignature(publicKey)).toBe(true);
    }
  });

  // P-384/SHA-384 and P-521/SHA-512: cosign 3 --signing-algorithm; P-384/SHA-256: sigstore-python < 3.
  it.each([
    ['P-384', 'sha384'],
    ['P-384', 'sha256'],
    ['P-521', 'sha512'],
    ['P-256', 'sha256'],
  ])('verifies ECDSA %s over %s from the digest alone', (namedCurve, hash) => {
    const pair = generateKeyPairSync('ec', { namedCurve });
    const signature = sign(hash, data, pair.privateKey);
    const d = createHash(hash).update(data).digest();
    expect(new PrehashedMessageSignature(signature, d).verifySignature(pair.publicKey)).toBe(true);
    const other = createHash(hash).update('other').digest();
    expect(new PrehashedMessageSignature(signature, other).verifySignature(pair.publicKey)).toBe(false);
  });

  it('refuses keys other than ECDSA P-256/384/521, by name', () => {
    const refuses = (key: KeyObject, name: RegExp) => {
      expect(() => new PrehashedMessageSignature(der, digest).verifySignature(key)).toThrow(GhcrBlobError);
      expect(() => new PrehashedMessageSignature(der, digest).verifySignature(key)).toThrow(name);
    };
    refuses(generateKeyPairSync('ed25519').publicKey, /holds an Ed25519 key; .*ECDSA P-256, P-384 and P-521 keys only/);
    refuses(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, /holds an RSA key/);
    refuses(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey, /holds an EC secp256k1 key/);
  });

  it('compares log entries exactly', () => {
    const content = new PrehashedMessageSignature(der, digest);
    expect(content.compareDigest(digest)).toBe(true);
    expect(content.compareDigest(digest.subarray(0, 31))).toBe(false);
    expect(content.compareSignature(Buffer.from(der))).toBe(true);
    expect(content.compareSignature(otherHalf(der))).toBe(false);
  });
});

// A small file is held: Node's own ECDSA checks the signature over its bytes. Same answers.
describe('PrehashedMessageSignature with the bytes held', () => {
  const held = (signature: Buffer, bytes: Buffer, algorithm = 'sha256', d = digest) =>
    new PrehashedMessageSignature(signature, d, { algorithm, bytes });

  it('verifies the signature over the bytes, and rejects other bytes, another key, a damaged signature', () => {
    expect(held(der, data).verifySignature(publicKey)).toBe(true);
    expect(held(der, Buffer.from('other bytes')).verifySignature(publicKey)).toBe(false);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(held(der, data).verifySignature(stranger)).toBe(false);
    const flipped = Buffer.from(der);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(held(flipped, data).verifySignature(publicKey)).toBe(false);
    expect(held(der.subarray(0, 20), data).verifySignature(publicKey)).toBe(false);
    expect(held(Buffer.alloc(0), data).verifySignature(publicKey)).toBe(false);
  });

  it('accepts both halves of s, as the digest-alone check and cosign do', () => {
    for (const signature of [der, otherHalf(der)]) expect(held(signature, data).verifySignature(publicKey)).toBe(true);
  });

  it.each([
    ['P-384', 'sha384'],
    ['P-384', 'sha256'],
    ['P-521', 'sha512'],
  ])('verifies ECDSA %s over %s', (namedCurve, hash) => {
    const pair = generateKeyPairSync('ec', { namedCurve });
    const signature = sign(hash, data, pair.privateKey);
    expect(held(signature, data, hash).verifySignature(pair.publicKey)).toBe(true);
    expect(held(signature, Buffer.from('other'), hash).verifySignature(pair.publicKey)).toBe(false);
  });

  it('refuses keys other than ECDSA P-256/384/521 all the same', () => {
    expect(() => held(der, data).verifySignature(generateKeyPairSync('ed25519').publicKey)).toThrow(/Ed25519 key/);
  });
});
