import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  isBundleWithMessageSignature,
  ValidationError,
  type BundleWithMessageSignature,
} from '@sigstore/bundle';
import { z } from 'zod';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson, readSmallFile } from '../core/json-input.js';

export type SignatureBundle = BundleWithMessageSignature;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64');
const decimal = z.string().regex(/^\d+$/, 'must be a decimal integer');
const rawBytes = z.looseObject({ rawBytes: base64 });

const tlogEntry = z.looseObject({
  logIndex: decimal,
  logId: z.looseObject({ keyId: base64 }),
  kindVersion: z.looseObject({ kind: z.string(), version: z.string() }),
  integratedTime: decimal,
  canonicalizedBody: base64,
});

/**
 * What `cosign sign-blob --bundle` (2.5 and 3) writes: a keyless message signature over the
 * file's sha256. Only the parts we rely on are spelled out; @sigstore/bundle checks the rest.
 */
export const signatureBundleSchema = z.looseObject({
  mediaType: z.enum(
    [BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE],
    {
      error: 'must be a Sigstore bundle media type, v0.1 to v0.3',
    },
  ),
  verificationMaterial: z
    .looseObject({
      certificate: rawBytes.optional(),
      x509CertificateChain: z.looseObject({ certificates: z.array(rawBytes).min(1) }).optional(),
      tlogEntries: z.array(tlogEntry).min(1, 'needs a transparency log entry'),
    })
    .refine((m) => (m.certificate === undefined) !== (m.x509CertificateChain === undefined), {
      message: 'needs exactly one signing certificate (keyless); key-based signatures are not supported',
    }),
  messageSignature: z.looseObject({
    messageDigest: z.looseObject({
      algorithm: z.literal('SHA2_256'),
      digest: base64.refine((d) => Buffer.from(d, 'base64').length === 32, 'must be 32 bytes'),
    }),
    signature: base64,
  }),
});

/** Reads a bundle file. A missing file is USAGE (a wrong path); bad contents are VERIFICATION_FAILED. */
export async function readBundle(path: string): Promise<SignatureBundle> {
  return parseBundle(await readSmallFile(path, 'bundle'), `bundle ${path}`);
}

export function parseBundle(text: string, source = 'bundle'): SignatureBundle {
  const json = parseJson(text);
  if (!json.ok) throw verificationError(`${source} is ${json.reason}`);
  if (isObject(json.value) && 'dsseEnvelope' in json.value) {
    throw verificationError(`${source} holds a DSSE envelope (an attestation), not a signature over a file`, [
      'expected: messageSignature, as written by cosign sign-blob --bundle',
    ]);
  }
  const checked = checkUntrustedJson(json.value, signatureBundleSchema, {
    source,
    what: 'a Sigstore signature bundle',
    code: 'VERIFICATION_FAILED',
  });
  let bundle;
  try {
    bundle = bundleFromJSON(checked);
  } catch (e) {
    const fields = e instanceof ValidationError ? `: ${e.fields.join(', ')}` : '';
    throw verificationError(`${source} is not a valid Sigstore bundle${fields}`, [String(e)], e);
  }
  // The schema already demands a messageSignature; this narrows the type.
  if (!isBundleWithMessageSignature(bundle)) throw verificationError(`${source} holds no message signature`);
  return bundle;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
