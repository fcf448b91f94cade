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
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import * as z from 'zod';
import type { DigestAlgorithm } from '../core/digest.js';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson, readSmallFile } from '../core/json-input.js';

/** Any keyless Sigstore bundle: a message signature or a DSSE envelope. */
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

/** What cosign signs a file's digest with: SHA2_256, or SHA2_384 / SHA2_512 for P-384 / P-521 keys. */
const DIGEST_BYTES = { SHA2_256: 32, SHA2_384: 48, SHA2_512: 64 } as const;

const messageSignature = z.looseObject({
  messageDigest: z
    .looseObject({
      algorithm: z.enum(['SHA2_256', 'SHA2_384', 'SHA2_512'], { error: 'must be SHA2_256, SHA2_384 or SHA2_512' }),
      digest: base64,
    })
    .refine((d) => Buffer.from(d.digest, 'base64').length === DIGEST_BYTES[d.algorithm], {
      message: 'digest length does not match its algorithm',
      path: ['digest'],
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
        tlogEntries: z.array(tlogEntry).default([]),
        timestampVerificationData: z
          .looseObject({ rfc3161Timestamps: z.array(z.looseObject({ signedTimestamp: base64 })).default([]) })
          .optional(),
      })
      .refine((m) => (m.certificate === undefined) !== (m.x509CertificateChain === undefined), {
        message: 'needs exactly one signing certificate (keyless); key-based signatures are not supported',
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
  refuseLegacyCosignBundle(json.value, source);
  // Protobuf JSON writes an unset field as null (the npm registry serves v0.1 bundles with
  // `"timestampVerificationData": null`): absent, as cosign reads it too.
  const checked = checkUntrustedJson(withoutNulls(json.value), sigstoreBundleSchema, {
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

/** Objects without their null-valued fields, all the way down; arrays keep their items. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === null ? [] : [[k, withoutNulls(v)]])));
}

/**
 * cosign 2's `sign-blob --bundle` without --new-bundle-format writes its own older shape
 * (`{base64Signature, cert, rekorBundle}`), which no Sigstore verifier reads as a bundle; say so,
 * and how to get a real one, instead of listing the fields it lacks.
 */
function refuseLegacyCosignBundle(value: unknown, source: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const o = value as Record<string, unknown>;
  if (o['mediaType'] !== undefined || !('base64Signature' in o) || !('rekorBundle' in o || 'cert' in o)) return;
  throw new GhcrBlobError(
    'VERIFICATION_FAILED',
    `${source} is a cosign 2 legacy blob bundle ({base64Signature, cert, rekorBundle}, what \`cosign sign-blob --bundle\` writes without --new-bundle-format), not a Sigstore bundle`,
    {
      recommendation:
        "sign again with `ghcr-blob sign`, `cosign sign-blob --new-bundle-format --bundle F` (cosign 2) or cosign 3; or convert it with cosign 3: `cosign bundle create --bundle OLD --artifact FILE --out NEW` (it fetches the log entry's inclusion proof from the public Rekor)",
    },
  );
}

/** A message-signature bundle only (what `cosign sign-blob` writes); a DSSE bundle is refused by name. */
export function parseSignatureBundle(text: string, source = 'bundle'): SignatureBundle {
  const bundle = parseBundle(text, source);
  if (isBundleWithMessageSignature(bundle)) return bundle;
  throw verificationError(`${source} holds a DSSE envelope (an attestation), not a signature over a file`);
}

const DIGEST_ALGORITHM_OF: Partial<Record<HashAlgorithm, DigestAlgorithm>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/** The digest of the file a message signature signs: sha256, or sha384/sha512 (cosign, P-384/P-521 keys). */
export function messageDigestAlgorithm(bundle: SignatureBundle): DigestAlgorithm {
  const alg = DIGEST_ALGORITHM_OF[bundle.content.messageSignature.messageDigest.algorithm];
  // The schema admits only these three; anything else is a bug here, not bad input.
  if (alg === undefined) throw verificationError('the bundle signs a digest of an unsupported algorithm');
  return alg;
}

/**
 * A Rekor v2 entry: kind hashedrekord or dsse at version 0.0.2. Not the version alone: Rekor v1's
 * `intoto` kind is at 0.0.2 too (npm provenance is logged so), and has an integrated time and a SET.
 */
export const isRekorV2Entry = (entry: { kindVersion?: { kind: string; version: string } }): boolean =>
  entry.kindVersion?.version === '0.0.2' &&
  (entry.kindVersion.kind === 'hashedrekord' || entry.kindVersion.kind === 'dsse');

export const isSignatureBundle = (b: SigstoreBundle): b is SignatureBundle => b.content.$case === 'messageSignature';
export const isDsseBundle = (b: SigstoreBundle): b is DsseBundle => b.content.$case === 'dsseEnvelope';
