// An attestation stored the way actions/attest (push-to-registry: true, through @sigstore/oci)
// leaves it next to an image: a referrer manifest of the subject, pushed by digest, with
// artifactType = the bundle media type, the empty config, one layer holding the bundle JSON and
// three annotations; and, since neither distribution 2.8 nor ghcr.io has a referrers API, the
// same descriptor appended to the `sha256-<hex>` tag index (the OCI referrers tag schema), which
// is where oras discover looks.
import {
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  putBlob,
  putManifest,
  registryCall,
  sha256Digest,
  type Descriptor,
  type RegistryEndpoint,
} from './registry-api.js';

export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface AttestationReferrer {
  /** Digest of the referrer manifest. */
  digest: string;
  bytes: Buffer;
  manifest: Record<string, unknown>;
  /** The descriptor listed in the `sha256-<hex>` index (artifactType and annotations included). */
  descriptor: Descriptor;
  /** `sha256-<hex>` of the subject. */
  fallbackTag: string;
}

export interface AttestationReferrerOptions {
  /** `dev.sigstore.bundle.predicateType`, e.g. https://slsa.dev/provenance/v1. */
  predicateType: string;
  /** `org.opencontainers.image.created`; default now. */
  created?: Date;
  /** Leave the `sha256-<hex>` index alone (a referrer only a referrers API would find). */
  skipFallbackTag?: boolean;
}

/** Pushes `bundle` (the JSON bytes) as a GitHub-shaped attestation referrer of `subject`. */
export async function pushAttestationReferrer(
  reg: RegistryEndpoint,
  repo: string,
  subject: Descriptor,
  bundle: Buffer | string,
  o: AttestationReferrerOptions,
): Promise<AttestationReferrer> {
  const bundleBytes = typeof bundle === 'string' ? Buffer.from(bundle) : bundle;
  const layerDigest = await putBlob(reg, repo, bundleBytes);
  const emptyDigest = await putBlob(reg, repo, '{}');
  const annotations = {
    'org.opencontainers.image.created': (o.created ?? new Date()).toISOString(),
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': o.predicateType,
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03,
    config: { mediaType: OCI_EMPTY, digest: emptyDigest, size: 2 },
    layers: [{ mediaType: SIGSTORE_BUNDLE_V03, digest: layerDigest, size: bundleBytes.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const fallbackTag = subject.digest.replace(':', '-');
  const { digest, bytes, descriptor } = await pushReferrer(
    reg,
    repo,
    manifest,
    o.skipFallbackTag ? undefined : fallbackTag,
  );
  return { digest, bytes, manifest, descriptor, fallbackTag };
}

/**
 * A referrer manifest pushed by its digest, and its descriptor (artifact type and annotations
 * copied from the manifest, as oras and cosign list them) appended to the index at `fallbackTag`.
 */
async function pushReferrer(
  reg: RegistryEndpoint,
  repo: string,
  manifest: { artifactType: string; annotations: Record<string, string> },
  fallbackTag: string | undefined,
): Promise<{ digest: string; bytes: Buffer; descriptor: Descriptor }> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await putManifest(reg, repo, sha256Digest(bytes), bytes, OCI_MANIFEST);
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest,
    size: bytes.length,
    artifactType: manifest.artifactType,
    annotations: manifest.annotations,
  };
  if (fallbackTag) await appendToReferrersIndex(reg, repo, fallbackTag, descriptor);
  return { digest, bytes, descriptor };
}

/** Adds `descriptor` to the OCI index at `tag` (created if missing), unless already listed. */
export async function appendToReferrersIndex(
  reg: RegistryEndpoint,
  repo: string,
  tag: string,
  descriptor: Descriptor,
): Promise<void> {
  const res = await registryCall(reg, `/v2/${repo}/manifests/${tag}`, { headers: { accept: OCI_INDEX } });
  let index: { schemaVersion: number; mediaType: string; manifests: Descriptor[] };
  if (res.status === 404) index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
  else if (res.status === 200) index = JSON.parse(res.body.toString('utf8')) as typeof index;
  else throw new Error(`read referrers index ${repo}:${tag}: HTTP ${res.status}`);
  if (index.manifests.some((m) => m.digest === descriptor.digest)) return;
  index.manifests.push(descriptor);
  await putManifest(reg, repo, tag, index, OCI_INDEX);
}

/**
 * What `oras attach --artifact-type TYPE SUBJECT NAME:TYPE` leaves behind, written over the API
 * (milliseconds instead of one oras run each): a referrer manifest pushed by digest, with the
 * empty config, one layer titled `title`, the created annotation, and its descriptor appended to
 * the `sha256-<hex>` tag index. For tests that need many referrers (junk, caps).
 */
export async function attachLikeOras(
  reg: RegistryEndpoint,
  repo: string,
  subject: Descriptor,
  content: Buffer | string,
  o: { artifactType: string; title: string },
): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const layerDigest = await putBlob(reg, repo, bytes);
  const emptyDigest = await putBlob(reg, repo, '{}');
  const annotations = { 'org.opencontainers.image.created': new Date().toISOString() };
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: o.artifactType,
    config: { mediaType: OCI_EMPTY, digest: emptyDigest, size: 2, data: 'e30=' },
    layers: [
      {
        mediaType: o.artifactType,
        digest: layerDigest,
        size: bytes.length,
        annotations: { 'org.opencontainers.image.title': o.title },
      },
    ],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  return (await pushReferrer(reg, repo, manifest, subject.digest.replace(':', '-'))).digest;
}
