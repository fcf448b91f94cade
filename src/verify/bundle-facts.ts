/**
 * What a bundle says about itself, read and NOT verified: who its certificate names (or the hint
 * of the key it was signed with), its log entry and its times. For `inspect`, which shows every
 * signature before (or without) verifying any; nothing here is evidence of anything.
 */
import { RFC3161Timestamp } from '@sigstore/core';
import { bundleSigner } from './bundle-signer.js';
import type { SigstoreBundle } from './bundle.js';

export interface BundleFacts {
  /** Keyless: the certificate's SAN and OIDC issuer; signed with a key: the key's hint, if any. */
  signer: { certificate: true; identity?: string; issuer?: string } | { certificate: false; keyHint?: string };
  bundleMediaType: string;
  rekorLogIndex?: number;
  /** The first log entry's integrated time (Rekor v1), ISO 8601. */
  integratedTime?: string;
  /** The RFC 3161 timestamps' signing times, ISO 8601 (unparsable ones left out). */
  signedTimestamps: string[];
}

export function bundleFacts(bundle: SigstoreBundle): BundleFacts {
  const material = bundle.verificationMaterial;
  const keyless = material.content.$case !== 'publicKey';
  const claims = keyless ? bundleSigner(bundle) : undefined;
  const entry = material.tlogEntries[0];
  const index = Number(entry?.logIndex);
  const seconds = Number(entry?.integratedTime);
  return {
    signer: keyless
      ? { certificate: true, identity: claims?.san, issuer: claims?.issuer }
      : {
          certificate: false,
          keyHint: material.content.$case === 'publicKey' ? material.content.publicKey.hint || undefined : undefined,
        },
    bundleMediaType: bundle.mediaType,
    ...(entry && Number.isSafeInteger(index) ? { rekorLogIndex: index } : {}),
    ...(seconds > 0 && Number.isSafeInteger(seconds) ? { integratedTime: new Date(seconds * 1000).toISOString() } : {}),
    signedTimestamps: (material.timestampVerificationData?.rfc3161Timestamps ?? []).flatMap((t) => {
      try {
        return [RFC3161Timestamp.parse(Buffer.from(t.signedTimestamp)).signingTime.toISOString()];
      } catch {
        return [];
      }
    }),
  };
}
