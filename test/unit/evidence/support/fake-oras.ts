// An in-memory registry behind the Oras interface: manifests and blobs by digest, tags, referrers.
// No process, no network; every call is recorded, and a download can be made to hang until it is
// stopped, so "the download was stopped" is an event a test can assert, not a race.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { GhcrBlobError, verificationError } from '../../../../src/core/errors.js';
import type { Descriptor } from '../../../../src/tools/oci.js';
import type { Oras, PushRequest } from '../../../../src/tools/oras.js';
import type { ReferrerListing } from '../../../../src/tools/oras-output.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const REPO = 'registry.test/octo/app';

const digestOf = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface OrasCall {
  method: keyof Oras;
  args: unknown[];
}

export interface FakeArtifact {
  /** Digest of the artifact's manifest. */
  digest: string;
  size: number;
  layerDigest: string;
}

export interface ReferrerOptions {
  /** Layer media type (default the Sigstore bundle type). */
  mediaType?: string;
  /** Layer size the referrer's manifest claims (default the real size). */
  claimedSize?: number;
  /** Subject digest the referrer's manifest names (default the artifact's). */
  subject?: string;
  /** The `artifactType` it is listed under (default the bundle type). */
  listedAs?: string;
}

export class FakeOras implements Oras {
  readonly tool = { path: '/fake/oras', version: '1.3.0', generation: '1.3' as const };
  readonly calls: OrasCall[] = [];
  readonly manifests = new Map<string, Buffer>();
  readonly blobs = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  /** subject digest → referrers, in listing order. */
  readonly referrers = new Map<string, Descriptor[]>();
  /** When set, fetchLayer hangs until its signal aborts. */
  hangDownload = false;
  /** Set when a hanging download saw its signal abort (and then settled). */
  downloadStopped = false;
  /** Errors to throw from a method instead of answering, once per call, in order. */
  readonly failures = new Map<keyof Oras, GhcrBlobError[]>();

  private record(method: keyof Oras, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
  }

  callsTo(method: keyof Oras): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  putBlob(bytes: Buffer | string): string {
    const d = digestOf(bytes);
    this.blobs.set(d, Buffer.from(bytes));
    return d;
  }

  putManifest(manifest: object, tag?: string): { digest: string; size: number } {
    const bytes = Buffer.from(JSON.stringify(manifest));
    const digest = digestOf(bytes);
    this.manifests.set(digest, bytes);
    if (tag) this.tags.set(tag, digest);
    return { digest, size: bytes.length };
  }

  /** A ghcr-blob artifact: one titled layer holding `content`, tagged `tag`. */
  artifact(tag: string, content: Buffer | string, title = 'report.json'): FakeArtifact {
    const layerDigest = this.putBlob(content);
    const config = this.putBlob('{}');
    const m = this.putManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.ghcr-blob.file',
        config: { mediaType: OCI_EMPTY, digest: config, size: 2 },
        layers: [
          {
            mediaType: 'application/octet-stream',
            digest: layerDigest,
            size: Buffer.byteLength(content),
            annotations: { 'org.opencontainers.image.title': title },
          },
        ],
      },
      tag,
    );
    return { ...m, layerDigest };
  }

  /** Attaches `bundle` to `subject` as a referrer (listed last) and returns its descriptor. */
  attachBundle(subject: FakeArtifact, bundle: Buffer | string, o: ReferrerOptions = {}): Descriptor {
    const layerDigest = this.putBlob(bundle);
    const config = this.putBlob('{}');
    const m = this.putManifest({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: { mediaType: OCI_EMPTY, digest: config, size: 2 },
      layers: [
        {
          mediaType: o.mediaType ?? BUNDLE_TYPE,
          digest: layerDigest,
          size: o.claimedSize ?? Buffer.byteLength(bundle),
        },
      ],
      subject: { mediaType: OCI_MANIFEST, digest: o.subject ?? subject.digest, size: subject.size },
    });
    const descriptor = {
      mediaType: OCI_MANIFEST,
      digest: m.digest,
      size: m.size,
      artifactType: o.listedAs ?? BUNDLE_TYPE,
    };
    this.referrers.set(subject.digest, [...(this.referrers.get(subject.digest) ?? []), descriptor]);
    return descriptor;
  }

  /** `registry.test/octo/app:tag` or `…@sha256:…` → the stored bytes, or NOT_FOUND. */
  private manifestBytes(reference: string): Buffer {
    const at = reference.indexOf('@');
    const key = at >= 0 ? reference.slice(at + 1) : this.tags.get(reference.slice(reference.lastIndexOf(':') + 1));
    const bytes = key && this.manifests.get(key);
    if (!bytes) throw new GhcrBlobError('NOT_FOUND', `${reference}: not found`);
    return bytes;
  }

  private blobBytes(reference: string): Buffer {
    const bytes = this.blobs.get(reference.slice(reference.indexOf('@') + 1));
    if (!bytes) throw new GhcrBlobError('NOT_FOUND', `${reference}: blob not found`);
    return bytes;
  }

  /** Like oras stopped by the byte cap: what arrived up to the cap stays, then the error. */
  private async write(outputPath: string, bytes: Buffer, maxBytes: number): Promise<void> {
    await writeFile(outputPath, bytes.subarray(0, maxBytes + 1));
    if (bytes.length > maxBytes) throw verificationError(`more than ${maxBytes} bytes arrived`);
  }

  async fetchManifest(reference: string, outputPath: string, maxBytes: number, signal?: AbortSignal): Promise<void> {
    this.record('fetchManifest', reference);
    signal?.throwIfAborted();
    await this.write(outputPath, this.manifestBytes(reference), maxBytes);
  }

  async fetchLayer(reference: string, outputPath: string, maxBytes: number, signal?: AbortSignal): Promise<void> {
    this.record('fetchLayer', reference);
    if (this.hangDownload) {
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      // A partial file stays, as oras leaves one when it is killed.
      await writeFile(outputPath, 'partial');
      this.downloadStopped = true;
      throw new GhcrBlobError('INTERNAL', 'oras blob fetch was stopped');
    }
    signal?.throwIfAborted();
    await this.write(outputPath, this.blobBytes(reference), maxBytes);
  }

  async fetchBlob(reference: string, outputPath: string, maxBytes: number): Promise<void> {
    this.record('fetchBlob', reference);
    await this.write(outputPath, this.blobBytes(reference), maxBytes);
  }

  async discover(subject: string, artifactType: string): Promise<Descriptor[]> {
    this.record('discover', subject, artifactType);
    const digest = subject.slice(subject.indexOf('@') + 1);
    return (this.referrers.get(digest) ?? []).filter((d) => d.artifactType === artifactType);
  }

  /** One listing of every referrer of a tag or digest, naming the digest it resolved (as oras 1.3). */
  async listReferrers(subject: string): Promise<ReferrerListing> {
    this.record('listReferrers', subject);
    const at = subject.indexOf('@');
    const digest = at >= 0 ? subject.slice(at + 1) : this.tags.get(subject.slice(subject.lastIndexOf(':') + 1));
    if (!digest) throw new GhcrBlobError('NOT_FOUND', `${subject}: not found`);
    return { subjectDigest: digest, referrers: this.referrers.get(digest) ?? [] };
  }

  /** Every tag, in the order they were set (a registry's order is its own). */
  async listTags(repository: string): Promise<string[]> {
    this.record('listTags', repository);
    return [...this.tags.keys()];
  }

  async push(req: PushRequest): Promise<Descriptor> {
    this.record('push', req);
    return { mediaType: OCI_MANIFEST, digest: digestOf(req.reference), size: 1 };
  }

  async tag(pinnedReference: string, tag: string): Promise<void> {
    this.record('tag', pinnedReference, tag);
    this.tags.set(tag, pinnedReference.slice(pinnedReference.indexOf('@') + 1));
  }

  async attach(subject: string, cwd: string, fileArg: string, artifactType: string): Promise<Descriptor> {
    this.record('attach', subject, cwd, fileArg, artifactType);
    return { mediaType: OCI_MANIFEST, digest: digestOf(`${subject} ${fileArg}`), size: 1, artifactType };
  }

  async dispose(): Promise<void> {}
}
