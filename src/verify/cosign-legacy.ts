/**
 * cosign's legacy signature format (`sha256-<hex>.sig` / `.att` tags): one layer per signature,
 * the signature, certificate and Rekor SET in the layer's annotations. Neither verifier we run
 * reads it as such, so a layer is rebuilt into what both read: a v0.1 Sigstore bundle whose log
 * entry carries the SET as its inclusion promise. The annotation's certificate chain is ignored:
 * both verifiers chain the certificate to the trusted root's Fulcio CA.
 */
import { X509Certificate } from 'node:crypto';
import * as z from 'zod';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson } from '../core/json-input.js';
import { sha256Bytes } from '../core/digest.js';
import { parseBundle, type SigstoreBundle } from './bundle.js';

export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const SET_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const RFC3161_ANNOTATION = 'dev.sigstore.cosign/rfc3161timestamp';

const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** `dev.sigstore.cosign/bundle`: Rekor's signed entry timestamp over the entry it logged. */
const setSchema = z.looseObject({
  SignedEntryTimestamp: base64.min(1),
  Payload: z.looseObject({
    body: base64.min(1),
    integratedTime: z.number().int().positive(),
    logIndex: z.number().int().nonnegative(),
    logID: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits'),
  }),
});

const rfc3161Schema = z.looseObject({ SignedRFC3161Timestamp: base64.min(1) });

/** The Rekor entry kinds cosign logs for `.sig` (hashedrekord) and `.att` (intoto) layers. */
const bodySchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  spec: z.looseObject({}),
});
const hashedrekordKey = z.looseObject({
  signature: z.looseObject({ publicKey: z.looseObject({ content: base64 }) }),
});
const intotoKey = z.looseObject({
  content: z.looseObject({
    envelope: z.looseObject({ signatures: z.array(z.looseObject({ publicKey: base64 })).length(1) }),
  }),
});
const dsseKey = z.looseObject({ signatures: z.array(z.looseObject({ verifier: base64 })).length(1) });

const dsseEnvelopeSchema = z.looseObject({
  payloadType: z.string(),
  payload: base64,
  signatures: z.array(z.looseObject({ sig: base64, keyid: z.string().optional() })).length(1),
});

/** What one layer of a `.sig` or `.att` tag holds. */
export type LegacyContent = { simpleSigning: Buffer } | { dsseEnvelope: Buffer };

const from = (what: string) => ({
  source: `the layer's ${what}`,
  what: 'what cosign writes',
  code: 'VERIFICATION_FAILED' as const,
});

function json<T>(text: string, schema: z.ZodType<T>, what: string): T {
  const parsed = parseJson(text);
  if (!parsed.ok) throw verificationError(`the layer's ${what} is ${parsed.reason}`);
  return checkUntrustedJson(parsed.value, schema, from(what));
}

/**
 * The layer as a v0.1 bundle both verifiers read. Refused here, before either runs: a layer
 * without a certificate (a bare key says nothing about an identity; cosign before 3.1.3 let such
 * a layer pass an identity policy, GHSA-fx35-mq7g-6g98), a layer without a SET, and a log entry
 * that is not about this certificate.
 */
export function legacyLayerBundle(
  content: LegacyContent,
  annotations: Readonly<Record<string, string>>,
): { json: string; bundle: SigstoreBundle } {
  const pem = annotations[CERTIFICATE_ANNOTATION];
  if (pem === undefined || pem.trim() === '') {
    throw verificationError(
      'the signature was made with a bare key, not a certificate: it cannot satisfy an identity policy (cosign before 3.1.3 let it: GHSA-fx35-mq7g-6g98)',
    );
  }
  let certificate: Buffer;
  try {
    certificate = new X509Certificate(pem).raw;
  } catch (e) {
    throw verificationError("the layer's certificate cannot be parsed", [], e);
  }
  const setText = annotations[SET_ANNOTATION];
  if (setText === undefined)
    throw verificationError('the layer has no Rekor signed entry timestamp (dev.sigstore.cosign/bundle)');
  const set = json(setText, setSchema, 'Rekor bundle');
  requireEntryForCertificate(set.Payload.body, certificate);
  const stamp = annotations[RFC3161_ANNOTATION];
  const timestamps = stamp
    ? [{ signedTimestamp: json(stamp, rfc3161Schema, 'RFC 3161 timestamp').SignedRFC3161Timestamp }]
    : [];
  const kind = entryKind(set.Payload.body);
  const bundle = {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: certificate.toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(set.Payload.logIndex),
          logId: { keyId: Buffer.from(set.Payload.logID, 'hex').toString('base64') },
          kindVersion: kind,
          integratedTime: String(set.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: set.SignedEntryTimestamp },
          canonicalizedBody: set.Payload.body,
        },
      ],
      ...(timestamps.length ? { timestampVerificationData: { rfc3161Timestamps: timestamps } } : {}),
    },
    ...('simpleSigning' in content
      ? {
          messageSignature: {
            messageDigest: { algorithm: 'SHA2_256', digest: sha256Bytes(content.simpleSigning).toString('base64') },
            signature: signatureOf(annotations),
          },
        }
      : { dsseEnvelope: json(content.dsseEnvelope.toString('utf8'), dsseEnvelopeSchema, 'DSSE envelope') }),
  };
  const text = JSON.stringify(bundle);
  return { json: text, bundle: parseBundle(text, "the layer's signature") };
}

function signatureOf(annotations: Readonly<Record<string, string>>): string {
  const sig = annotations[SIGNATURE_ANNOTATION];
  if (!sig || !base64.safeParse(sig).success)
    throw verificationError(`the layer has no base64 signature (${SIGNATURE_ANNOTATION})`);
  return sig;
}

const decodeBody = (body: string) => json(Buffer.from(body, 'base64').toString('utf8'), bodySchema, 'Rekor entry');

function entryKind(body: string): { kind: string; version: string } {
  const b = decodeBody(body);
  return { kind: b.kind, version: b.apiVersion };
}

/**
 * The logged entry names the key that signed: it must be this certificate. A body naming another
 * key (or a bare key) is the log speaking about another signer.
 */
function requireEntryForCertificate(body: string, certificate: Buffer): void {
  const b = decodeBody(body);
  let key: string;
  if (b.kind === 'hashedrekord' && b.apiVersion === '0.0.1')
    key = checkUntrustedJson(b.spec, hashedrekordKey, from('Rekor entry')).signature.publicKey.content;
  else if (b.kind === 'intoto' && b.apiVersion === '0.0.2')
    key = checkUntrustedJson(b.spec, intotoKey, from('Rekor entry')).content.envelope.signatures[0]!.publicKey;
  else if (b.kind === 'dsse' && b.apiVersion === '0.0.1')
    key = checkUntrustedJson(b.spec, dsseKey, from('Rekor entry')).signatures[0]!.verifier;
  else
    throw verificationError(
      `the layer's Rekor entry is a ${b.kind} ${b.apiVersion} entry, which cosign does not write for a signature`,
    );
  let logged: Buffer | undefined;
  try {
    logged = new X509Certificate(Buffer.from(key, 'base64').toString('utf8')).raw;
  } catch {
    logged = undefined;
  }
  // Why exact: the log entry must be about this very certificate, byte for byte, not a key or another certificate.
  if (!logged?.equals(certificate)) {
    throw verificationError(
      `the Rekor entry in the layer is not about its certificate: it names ${logged ? 'another certificate' : 'a bare key'}`,
    );
  }
}

/** cosign's simple-signing payload: the signed claim naming the image manifest. */
const simpleSigningSchema = z.looseObject({
  critical: z.looseObject({
    identity: z.looseObject({ 'docker-reference': z.string() }),
    image: z.looseObject({ 'docker-manifest-digest': z.string() }),
    type: z.string(),
  }),
});

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

export interface SimpleSigning {
  /** What the payload says it signs; bound to the artifact only once compared (see evidence/). */
  manifestDigest: string;
  dockerReference: string;
}

/** Reads the payload (unverified until its signature is); a payload of another type is refused. */
export function parseSimpleSigning(payload: Buffer): SimpleSigning {
  const p = json(payload.toString('utf8'), simpleSigningSchema, 'signed payload');
  // Why exact: the type says what the payload claims; cosign writes exactly this for an image signature.
  if (p.critical.type !== SIMPLE_SIGNING_TYPE) {
    throw verificationError('the signed payload is not a cosign image signature', [
      `expected critical.type: ${SIMPLE_SIGNING_TYPE}`,
      `actual critical.type:   ${JSON.stringify(p.critical.type).slice(0, 200)}`,
    ]);
  }
  return {
    manifestDigest: p.critical.image['docker-manifest-digest'],
    dockerReference: p.critical.identity['docker-reference'],
  };
}
