// A Rekor v2 ("rekor-tiles") shaped log, in process, for fixtures: entries of kind hashedrekord or
// dsse at version 0.0.2, no integratedTime and no inclusion promise (SET), an RFC 6962 inclusion
// proof in a tree of several leaves, and a signed checkpoint (C2SP signed note). A v2 entry carries
// no time at all: a verified RFC 3161 timestamp must be the time source, so v2 bundles are built
// from TSA-only bundles (evidence.ts, `tsaOnly: true`) plus the entry made here.
// @sigstore/mock's own v2 log cannot serve: it logs the creation request instead of the entry
// (kind/version then mismatch) and gives proofs with an index beyond its tree size of 1.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject, X509Certificate } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (body: Buffer) => sha256(Buffer.from([0]), body);
const nodeHash = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);
const largestPowerOf2Below = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** RFC 6962 Merkle Tree Hash over leaf hashes. */
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = largestPowerOf2Below(leaves.length);
  return nodeHash(treeHash(leaves.slice(0, k)), treeHash(leaves.slice(k)));
}

/** RFC 6962 audit path of leaf `m`, lowest level first (what verifiers chain). */
function auditPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOf2Below(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), treeHash(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), treeHash(leaves.slice(0, k))];
}

/** RFC 8785 for what entries hold (objects, arrays, strings): keys sorted, no spaces. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface RekorV2Log {
  /** Checkpoint origin (the log's name), e.g. `rekor-v2.ghcr-blob.test`. */
  origin: string;
  /** `https://<origin>`: verifiers match the checkpoint signer's name against it. */
  baseUrl: string;
  /** SPKI DER of the log's P-256 key. */
  publicKey: Buffer;
  /** sha256(SPKI): the log id; its first 4 bytes are the checkpoint key hint. */
  logId: Buffer;
  /** Leaves so far (random filler first, so proofs have real paths). */
  size(): number;
  /**
   * Logs the bundle's signature and returns the bundle with that one v2 entry as its tlogEntries;
   * the entry names the signer by its certificate unless `verifier` says otherwise.
   */
  logBundle(bundle: SerializedBundle, verifier?: EntryVerifier): SerializedBundle;
  /** The trusted-root `tlogs[]` item for this log. */
  trustedRootEntry(validFrom: Date): object;
}

type Json = Record<string, any>;

/** How an entry names its signer: the certificate (cosign), or its bare public key (sigstore-js). */
export type EntryVerifier = 'certificate' | 'publicKey' | { publicKey: Buffer };

function entryBody(bundle: Json, as: EntryVerifier = 'certificate'): { kind: string; body: Json } {
  const vm = bundle['verificationMaterial'] as Json;
  const cert = vm['certificate']?.rawBytes ?? vm['x509CertificateChain']?.certificates?.[0]?.rawBytes;
  if (!cert) throw new Error('rekor v2 fixture: bundle has no certificate');
  const spki = () => new X509Certificate(Buffer.from(cert, 'base64')).publicKey.export({ format: 'der', type: 'spki' });
  const verifier =
    as === 'certificate'
      ? { x509Certificate: { rawBytes: cert }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' }
      : {
          publicKey: { rawBytes: (as === 'publicKey' ? spki() : as.publicKey).toString('base64') },
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        };
  if (bundle['messageSignature']) {
    const { messageDigest, signature } = bundle['messageSignature'] as Json;
    const data = { algorithm: messageDigest.algorithm, digest: messageDigest.digest };
    const spec = { hashedRekordV002: { data, signature: { content: signature, verifier } } };
    return { kind: 'hashedrekord', body: { apiVersion: '0.0.2', kind: 'hashedrekord', spec } };
  }
  const envelope = bundle['dsseEnvelope'] as Json | undefined;
  if (!envelope) throw new Error('rekor v2 fixture: neither messageSignature nor dsseEnvelope');
  const payloadHash = sha256(Buffer.from(envelope['payload'], 'base64')).toString('base64');
  const signatures = (envelope['signatures'] as Json[]).map((s) => ({ content: s['sig'], verifier }));
  const spec = { dsseV002: { payloadHash: { algorithm: 'SHA2_256', digest: payloadHash }, signatures } };
  return { kind: 'dsse', body: { apiVersion: '0.0.2', kind: 'dsse', spec } };
}

export function createRekorV2Log(o: { origin?: string; prefill?: number } = {}): RekorV2Log {
  const origin = o.origin ?? 'rekor-v2.ghcr-blob.test';
  const { publicKey, privateKey }: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const logId = sha256(spki);
  const leaves: Buffer[] = Array.from({ length: o.prefill ?? 6 }, () => leafHash(randomBytes(32)));

  const checkpoint = (size: number, root: Buffer): string => {
    const note = `${origin}\n${size}\n${root.toString('base64')}\n`;
    const signature = sign('sha256', Buffer.from(note), privateKey);
    return `${note}\n\u2014 ${origin} ${Buffer.concat([logId.subarray(0, 4), signature]).toString('base64')}\n`;
  };

  return {
    origin,
    baseUrl: `https://${origin}`,
    publicKey: spki,
    logId,
    size: () => leaves.length,
    logBundle(bundle, verifier) {
      const { kind, body } = entryBody(bundle as unknown as Json, verifier);
      const canonical = Buffer.from(canonicalJson(body));
      const index = leaves.length;
      leaves.push(leafHash(canonical));
      const root = treeHash(leaves);
      // No integratedTime, no inclusionPromise: that is what a Rekor v2 entry looks like.
      const entry = {
        logIndex: String(index),
        logId: { keyId: logId.toString('base64') },
        kindVersion: { kind, version: '0.0.2' },
        inclusionProof: {
          logIndex: String(index),
          rootHash: root.toString('base64'),
          treeSize: String(leaves.length),
          hashes: auditPath(index, leaves).map((h) => h.toString('base64')),
          checkpoint: { envelope: checkpoint(leaves.length, root) },
        },
        canonicalizedBody: canonical.toString('base64'),
      };
      const copy = structuredClone(bundle) as unknown as Json;
      copy['verificationMaterial'].tlogEntries = [entry];
      return copy as unknown as SerializedBundle;
    },
    trustedRootEntry: (validFrom) => ({
      baseUrl: `https://${origin}`,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: spki.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: validFrom.toISOString() },
      },
      logId: { keyId: logId.toString('base64') },
    }),
  };
}

/** A trusted root (JSON) with `log` added to its `tlogs`; validity starts with the root's first CA. */
export function trustedRootWithLog(root: object, log: RekorV2Log): object {
  const json = structuredClone(root) as Json;
  const start = json['certificateAuthorities']?.[0]?.validFor?.start ?? new Date(Date.now() - 60_000).toISOString();
  json['tlogs'] = [...(json['tlogs'] ?? []), log.trustedRootEntry(new Date(start))];
  return json;
}
