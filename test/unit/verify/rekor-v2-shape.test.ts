// The one Rekor v2 entry shape cosign 3.1 cannot verify: the signer recorded as the certificate's
// bare public key (what sigstore-js writes). Only that exact shape explains cosign's refusal.
import { generateKeyPairSync } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../../src/verify/bundle.js';
import { hasBareKeyRekorV2Entry } from '../../../src/verify/rekor-v2-shape.js';
import { createRekorV2Log } from '../../support/sigstore/rekor-v2.js';
import { githubClaims } from './support/github-claims.js';
import { startMockSigstore } from './support/mock-sigstore.js';

let signed: SerializedBundle;
beforeAll(async () => {
  const sigstore = await startMockSigstore();
  try {
    signed = await sigstore.sign(Buffer.from('blob'), githubClaims());
  } finally {
    await sigstore.close();
  }
});

const log = createRekorV2Log();
const shapeOf = (b: SerializedBundle) => hasBareKeyRekorV2Entry(parseBundle(JSON.stringify(b)));

describe('hasBareKeyRekorV2Entry', () => {
  it("is true for a v2 entry recording the certificate's own key", () => {
    expect(shapeOf(log.logBundle(signed, 'publicKey'))).toBe(true);
  });

  it('is false for a v2 entry recording the certificate (what cosign writes)', () => {
    expect(shapeOf(log.logBundle(signed, 'certificate'))).toBe(false);
  });

  it('is false for a v2 entry recording another key (an entry for someone else, not this shape)', () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    expect(shapeOf(log.logBundle(signed, { publicKey: stranger }))).toBe(false);
  });

  it('is false for a Rekor v1 entry, and for a v2 entry whose body is not JSON', () => {
    expect(shapeOf(signed)).toBe(false);
    const broken = structuredClone(log.logBundle(signed, 'publicKey')) as any;
    broken.verificationMaterial.tlogEntries[0].canonicalizedBody = Buffer.from('not json').toString('base64');
    expect(shapeOf(broken)).toBe(false);
  });
});
