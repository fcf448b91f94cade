/** Who a bundle says signed: read from its certificate, unverified — for messages only. */
import { X509Certificate } from '@sigstore/core';
import { certificateClaims, type CertificateClaims } from './certificate-claims.js';
import type { SigstoreBundle } from './bundle.js';

export function bundleSigner(bundle: SigstoreBundle): CertificateClaims | undefined {
  const material = bundle.verificationMaterial.content;
  const der =
    material.$case === 'certificate'
      ? material.certificate.rawBytes
      : material.$case === 'x509CertificateChain'
        ? material.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  if (!der) return undefined;
  try {
    return certificateClaims(X509Certificate.parse(Buffer.from(der)));
  } catch {
    return undefined;
  }
}
