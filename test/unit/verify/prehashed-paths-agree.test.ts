// The two in-process signature checks (prehashed-signature.ts) must give the same answer: Node's
// ECDSA over the held bytes of a small file, @noble/curves over the digest of a large one. A
// hostile signature that one accepts and the other rejects would make acceptance depend on size.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCurves, PrehashedMessageSignature } from '../../../src/verify/prehashed-signature.js';

beforeAll(loadCurves);

// The group orders, from the curves the digest-alone check uses.
const ORDER: Record<string, bigint> = {
  'P-256': p256.Point.Fn.ORDER,
  'P-384': p384.Point.Fn.ORDER,
  'P-521': p521.Point.Fn.ORDER,
};

/** Minimal DER for (r, s). */
function der(r: bigint, s: bigint): Buffer {
  const int = (x: bigint) => {
    let hex = x.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, 'hex');
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([2, b.length]), b]);
  };
  const body = Buffer.concat([int(r), int(s)]);
  const len = body.length < 128 ? [body.length] : [0x81, body.length];
  return Buffer.concat([Buffer.from([0x30, ...len]), body]);
}
/** The same signature with its sequence length spelled one byte longer than DER allows. */
function nonMinimalLength(sig: Buffer): Buffer {
  return sig[1] === 0x81
    ? Buffer.concat([Buffer.from([0x30, 0x82, 0, sig[2]!]), sig.subarray(3)])
    : Buffer.concat([Buffer.from([0x30, 0x81, sig[1]!]), sig.subarray(2)]);
}
function parseDer(sig: Buffer): [bigint, bigint] {
  let o = sig[1] === 0x81 ? 3 : 2;
  const read = () => {
    const length = sig[o + 1]!;
    const v = BigInt(`0x${sig.subarray(o + 2, o + 2 + length).toString('hex')}`);
    o += 2 + length;
    return v;
  };
  return [read(), read()];
}

describe.each([
  ['P-256', 'sha256'],
  ['P-384', 'sha384'],
  ['P-384', 'sha256'],
  ['P-521', 'sha512'],
])('ECDSA %s over %s: held bytes and digest alone agree', (namedCurve, hash) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  const bytes = Buffer.from('the file');
  const digest = createHash(hash).update(bytes).digest();
  const good = sign(hash, bytes, privateKey);
  const [r, s] = parseDer(good);
  const n = ORDER[namedCurve]!;
  const width = Math.ceil(n.toString(16).length / 2);
  const cases: Record<string, Buffer> = {
    good,
    'high s': der(r, n - s),
    'trailing byte': Buffer.concat([good, Buffer.from([0])]),
    'r = 0': der(0n, s),
    's = 0': der(r, 0n),
    'r = n': der(n, s),
    'r + n': der(r + n, s),
    's + n': der(r, s + n),
    'non-minimal length': nonMinimalLength(good),
    'leading zero in r': Buffer.concat([Buffer.from([0x30, good[1]! + 1, 2, good[3]! + 1, 0]), good.subarray(4)]),
    'raw r || s': Buffer.from(r.toString(16).padStart(width * 2, '0') + s.toString(16).padStart(width * 2, '0'), 'hex'),
    empty: Buffer.alloc(0),
  };

  it.each(Object.keys(cases))('%s', (name) => {
    const signature = cases[name]!;
    const held = new PrehashedMessageSignature(signature, digest, { algorithm: hash, bytes }).verifySignature(
      publicKey,
    );
    const alone = new PrehashedMessageSignature(signature, digest).verifySignature(publicKey);
    expect(held).toBe(alone);
    expect(held).toBe(name === 'good' || name === 'high s');
  });
});
