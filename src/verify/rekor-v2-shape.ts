/**
 * The shape of a Rekor v2 entry's verifier. Rekor v2 records who signed either as the certificate
 * or as its bare public key; sigstore-js writes the bare key, and cosign 3.1 rebuilds the entry
 * with the certificate, so its inclusion proof fails ("calculated root does not match") though
 * nothing was changed. Read from the bundle, unverified: it only explains a refusal, never accepts.
 */
import { X509Certificate } from '@sigstore/core';
import * as z from 'zod';
import type { SigstoreBundle } from './bundle.js';
import { isRekorV2Entry } from './bundle.js';

const verifier = z.looseObject({ publicKey: z.looseObject({ rawBytes: z.string() }).optional() });
const body = z.looseObject({
  spec: z.looseObject({
    hashedRekordV002: z.looseObject({ signature: z.looseObject({ verifier }) }).optional(),
    dsseV002: z.looseObject({ signatures: z.array(z.looseObject({ verifier })) }).optional(),
  }),
});

function certificateSpki(bundle: SigstoreBundle): Buffer | undefined {
  const m = bundle.verificationMaterial.content;
  const der =
    m.$case === 'certificate'
      ? m.certificate.rawBytes
      : m.$case === 'x509CertificateChain'
        ? m.x509CertificateChain.certificates[0]?.rawBytes
        : undefined;
  if (!der) return undefined;
  try {
    return Buffer.from(X509Certificate.parse(Buffer.from(der)).publicKey);
  } catch {
    return undefined;
  }
}

/**
 * Whether the bundle's Rekor v2 entry names its signer by the bare public key, and that key is
 * exactly the certificate's: the one shape cosign 3.1 cannot verify. An entry naming another key
 * is not this shape (it is an entry for someone else), so its refusal stays what it is.
 */
export function hasBareKeyRekorV2Entry(bundle: SigstoreBundle): boolean {
  const spki = certificateSpki(bundle);
  if (!spki) return false;
  return bundle.verificationMaterial.tlogEntries.filter(isRekorV2Entry).some((entry) => {
    let parsed: z.infer<typeof body>;
    try {
      parsed = body.parse(JSON.parse(Buffer.from(entry.canonicalizedBody).toString('utf8')));
    } catch {
      return false;
    }
    const verifiers = [
      ...(parsed.spec.hashedRekordV002 ? [parsed.spec.hashedRekordV002.signature.verifier] : []),
      ...(parsed.spec.dsseV002?.signatures.map((s) => s.verifier) ?? []),
    ];
    // Why exact: only the certificate's own key, byte for byte, makes this the benign shape.
    return (
      verifiers.length > 0 &&
      verifiers.every((v) => v.publicKey !== undefined && Buffer.from(v.publicKey.rawBytes, 'base64').equals(spki))
    );
  });
}
