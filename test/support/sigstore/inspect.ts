// Read what a bundle says about its signer, and verify it in-process with
// sigstore-js against a stack's trusted root (proves the root also works for
// @sigstore/verify, not only for cosign).
import { readFile } from 'node:fs/promises';
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type Signer } from '@sigstore/verify';
import * as asn1js from 'asn1js';

// Fulcio's certificate extensions (github.com/sigstore/fulcio docs/oid-info.md).
export const FULCIO_OIDS = {
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerURI: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryURI: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerURI: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigURI: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationURI: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
} as const;

export type FulcioExtensionName = keyof typeof FULCIO_OIDS;

export interface SignerCertificate {
  san: string | undefined;
  /** Only the extensions present; values decoded from their DER UTF8String. */
  extensions: Partial<Record<FulcioExtensionName, string>>;
  notBefore: Date;
  notAfter: Date;
}

export async function readBundle(path: string): Promise<SerializedBundle> {
  return JSON.parse(await readFile(path, 'utf8')) as SerializedBundle;
}

export function signerCertificate(bundle: SerializedBundle): SignerCertificate {
  const material = bundleFromJSON(bundle).verificationMaterial.content;
  const der =
    material.$case === 'certificate'
      ? material.certificate.rawBytes
      : material.$case === 'x509CertificateChain'
        ? material.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  if (!der) throw new Error('bundle carries no certificate');
  const cert = X509Certificate.parse(Buffer.from(der));
  const extensions: SignerCertificate['extensions'] = {};
  for (const [name, oid] of Object.entries(FULCIO_OIDS) as [FulcioExtensionName, string][]) {
    const ext = cert.extension(oid);
    if (!ext) continue;
    const parsed = asn1js.fromBER(new Uint8Array(ext.value));
    if (parsed.result instanceof asn1js.Utf8String) extensions[name] = parsed.result.valueBlock.value;
  }
  return { san: cert.subjectAltName, extensions, notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/**
 * Verifies with @sigstore/verify. Its SAN policy is an unanchored regular
 * expression (FACTS 6), so the SAN is compared exactly here instead.
 */
export async function verifyInProcess(
  trustedRootPath: string,
  bundle: SerializedBundle,
  data: Buffer,
  expected: { identity: string; issuer: string },
): Promise<Signer> {
  const root = TrustedRoot.fromJSON(JSON.parse(await readFile(trustedRootPath, 'utf8')));
  const verifier = new Verifier(toTrustMaterial(root), { timestampThreshold: 1, tlogThreshold: 1, ctlogThreshold: 1 });
  const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle), data), {
    extensions: { issuer: expected.issuer },
  });
  const san = signer.identity?.subjectAlternativeName;
  if (san !== expected.identity) throw new Error(`expected SAN ${expected.identity}, got ${san}`);
  return signer;
}

export interface Thresholds {
  tlogThreshold: number;
  timestampThreshold: number;
  ctlogThreshold?: number;
}

/**
 * @sigstore/verify with a trusted root given as JSON and explicit thresholds, for evidence kinds
 * the default verifier refuses (TSA-only: tlogThreshold 0). `data` is the artifact for message
 * signatures; leave it out for DSSE (the envelope is self-contained). Checks no identity.
 */
export function verifyBundleWith(
  trustedRoot: object,
  bundle: SerializedBundle,
  data: Buffer | undefined,
  t: Thresholds,
): Signer {
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)), {
    ctlogThreshold: 1,
    ...t,
  });
  return verifier.verify(toSignedEntity(bundleFromJSON(bundle), data));
}
