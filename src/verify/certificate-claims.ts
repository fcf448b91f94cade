import type { X509Certificate } from '@sigstore/core';

/**
 * Fulcio's certificate extensions (OID 1.3.6.1.4.1.57264.1.*) that describe a CI run. Values
 * come from the OIDC token's claims, so for GitHub Actions they name the workflow, repository
 * and ref that signed. Reference: fulcio docs/oid-info.md.
 */
export interface FulcioClaims {
  buildSignerUri?: string; // .9  workflow file at a ref (what the SAN also says)
  buildSignerDigest?: string; // .10 commit of that workflow file
  runnerEnvironment?: string; // .11 github-hosted | self-hosted
  sourceRepositoryUri?: string; // .12
  sourceRepositoryDigest?: string; // .13 commit sha
  sourceRepositoryRef?: string; // .14
  sourceRepositoryIdentifier?: string; // .15
  sourceRepositoryOwnerUri?: string; // .16
  sourceRepositoryOwnerIdentifier?: string; // .17
  buildConfigUri?: string; // .18 the top-level workflow (differs for reusable workflows)
  buildConfigDigest?: string; // .19
  buildTrigger?: string; // .20 event name
  runInvocationUri?: string; // .21 link to the run
  sourceRepositoryVisibilityAtSigning?: string; // .22
}

const FULCIO_OID = '1.3.6.1.4.1.57264.1';

const CLAIM_OIDS: Record<keyof FulcioClaims, number> = {
  buildSignerUri: 9,
  buildSignerDigest: 10,
  runnerEnvironment: 11,
  sourceRepositoryUri: 12,
  sourceRepositoryDigest: 13,
  sourceRepositoryRef: 14,
  sourceRepositoryIdentifier: 15,
  sourceRepositoryOwnerUri: 16,
  sourceRepositoryOwnerIdentifier: 17,
  buildConfigUri: 18,
  buildConfigDigest: 19,
  buildTrigger: 20,
  runInvocationUri: 21,
  sourceRepositoryVisibilityAtSigning: 22,
};

export interface CertificateClaims {
  /** The SAN: a URI (workflow identity) or an e-mail address. */
  san?: string;
  /** The OIDC issuer: extension .8, or the legacy .1 from older Fulcio. */
  issuer?: string;
  fulcio: FulcioClaims;
}

/** Reads identity and CI claims from a certificate; absent or unparsable values stay undefined. */
export function certificateClaims(cert: X509Certificate): CertificateClaims {
  const fulcio: FulcioClaims = {};
  for (const [name, n] of Object.entries(CLAIM_OIDS) as Array<[keyof FulcioClaims, number]>) {
    const value = derString(cert, `${FULCIO_OID}.${n}`);
    if (value !== undefined) fulcio[name] = value;
  }
  const legacyIssuer = cert.extension(`${FULCIO_OID}.1`)?.value.toString('utf8');
  return { san: cert.subjectAltName, issuer: derString(cert, `${FULCIO_OID}.8`) ?? legacyIssuer, fulcio };
}

/** Extensions .8 and up hold a DER UTF8String inside the extension's OCTET STRING. */
function derString(cert: X509Certificate, oid: string): string | undefined {
  try {
    return cert.extension(oid)?.valueObj.subs[0]?.value.toString('utf8');
  } catch {
    return undefined;
  }
}
