import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
  type BundleWithDsseEnvelope,
  type BundleWithMessageSignature,
  bundleFromJSON,
  isBundleWithDsseEnvelope,
  isBundleWithMessageSignature,
  ValidationError,
} from '@sigstore/bundle';
import * as z from 'zod';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson, readSmallFile } from '../core/json-input.js';

/** Any Sigstore bundle (keyless or signed with a key): a message signature or a DSSE envelope. */
export type SigstoreBundle = BundleWithMessageSignature | BundleWithDsseEnvelope;
/** What `cosign sign-blob --bundle` writes: a message signature over a file's sha256. */
export type SignatureBundle = BundleWithMessageSignature;
export type DsseBundle = BundleWithDsseEnvelope;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const decimal = z.string().regex(/^\d+$/, 'must be a decimal integer');
const rawBytes = z.looseObject({ rawBytes: base64 });

/**
 * A transparency log entry. Rekor v1 entries carry `integratedTime` (and, from the public log,
 * a signed entry timestamp); Rekor v2 entries (kind version 0.0.2) carry neither: their time
 * comes from an RFC 3161 timestamp in the same bundle.
 */
const tlogEntry = z.looseObject({
  logIndex: decimal,
  logId: z.looseObject({ keyId: base64 }),
  kindVersion: z.looseObject({ kind: z.string(), version: z.string() }),
  integratedTime: decimal.optional(),
  canonicalizedBody: base64,
});

const messageSignature = z.looseObject({
  messageDigest: z.looseObject({
    algorithm: z.literal('SHA2_256'),
    digest: base64.refine((d) => Buffer.from(d, 'base64').length === 32, 'must be 32 bytes'),
  }),
  signature: base64,
});

const dsseEnvelope = z.looseObject({
  payload: base64,
  payloadType: z.string(),
  // Sigstore bundles hold exactly one signature; a second one would be checked by nobody.
  signatures: z.array(z.looseObject({ sig: base64 })).length(1, 'must hold exactly one signature'),
});

/**
 * What cosign (2.5 and 3), sigstore-js and actions/attest write. Only the parts we rely on are
 * spelled out; @sigstore/bundle checks the rest. Whether a bundle without a log entry is
 * acceptable depends on the trusted root (no logs there: timestamps only), so the verifier
 * decides that, not the schema.
 */
export const sigstoreBundleSchema = z
  .looseObject({
    mediaType: z.enum(
      [BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE],
      { error: 'must be a Sigstore bundle media type, v0.1 to v0.3' },
    ),
    verificationMaterial: z
      .looseObject({
        certificate: rawBytes.optional(),
        x509CertificateChain: z.looseObject({ certificates: z.array(rawBytes).min(1) }).optional(),
        // Signed with a key (cosign --key): only a hint names it; the verifier is given the key.
        publicKey: z.looseObject({ hint: z.string().optional() }).optional(),
        tlogEntries: z.array(tlogEntry).default([]),
        timestampVerificationData: z
          .looseObject({ rfc3161Timestamps: z.array(z.looseObject({ signedTimestamp: base64 })).default([]) })
          .optional(),
      })
      .refine((m) => [m.certificate, m.x509CertificateChain, m.publicKey].filter((v) => v !== undefined).length === 1, {
        message: 'needs exactly one of a signing certificate (keyless) or a public key hint (signed with a key)',
      }),
    messageSignature: messageSignature.optional(),
    dsseEnvelope: dsseEnvelope.optional(),
  })
  .refine((b) => (b.messageSignature === undefined) !== (b.dsseEnvelope === undefined), {
    message: 'needs exactly one of messageSignature (a signature) or dsseEnvelope (an attestation)',
  });

/** Reads a bundle file. A missing file is USAGE (a wrong path); bad contents are VERIFICATION_FAILED. */
export async function readBundle(path: string): Promise<SigstoreBundle> {
  return parseBundle(await readSmallFile(path, 'bundle'), `bundle ${path}`);
}

/** Any Sigstore bundle, message signature or DSSE envelope; junk is VERIFICATION_FAILED. */
export function parseBundle(text: string, source = 'bundle'): SigstoreBundle {
  const json = parseJson(text);
  if (!json.ok) throw verificationError(`${source} is ${json.reason}`);
  const checked = checkUntrustedJson(json.value, sigstoreBundleSchema, {
    source,
    what: 'a Sigstore bundle',
    code: 'VERIFICATION_FAILED',
  });
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(checked);
  } catch (e) {
    const fields = e instanceof ValidationError ? `: ${e.fields.join(', ')}` : '';
    throw verificationError(`${source} is not a valid Sigstore bundle${fields}`, [String(e)], e);
  }
  if (isBundleWithMessageSignature(bundle) || isBundleWithDsseEnvelope(bundle)) return bundle;
  throw verificationError(`${source} holds neither a message signature nor a DSSE envelope`);
}

/** A message-signature bundle only (what `cosign sign-blob` writes); a DSSE bundle is refused by name. */
export function parseSignatureBundle(text: string, source = 'bundle'): SignatureBundle {
  const bundle = parseBundle(text, source);
  if (isBundleWithMessageSignature(bundle)) return bundle;
  throw verificationError(`${source} holds a DSSE envelope (an attestation), not a signature over a file`);
}

export const isSignatureBundle = (b: SigstoreBundle): b is SignatureBundle => b.content.$case === 'messageSignature';
export const isDsseBundle = (b: SigstoreBundle): b is DsseBundle => b.content.$case === 'dsseEnvelope';
