// A tiny client for the OCI distribution API, used to craft artifacts that `oras push` would never
// produce (hostile titles, no title, several layers) and to move tags behind the CLI's back.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { httpCall, type HttpResponse } from './http.js';

/** What a call needs from a started registry (a `Registry` from ./registry.js fits). */
export interface RegistryEndpoint {
  url: string;
  username: string;
  password: string;
  caFile?: string;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
/** What oras push gives a file layer by default, so crafted layers look like pushed ones. */
export const ORAS_LAYER = 'application/vnd.oci.image.layer.v1.tar';
/** What oras push uses when no --artifact-type is given. */
export const ORAS_UNKNOWN_ARTIFACT = 'application/vnd.unknown.artifact.v1';
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const caCache = new Map<string, string>();

/**
 * One API call with the registry's user and password: Basic first; when the registry answers with
 * a Bearer challenge (a token-auth registry, see ghcr-like.ts), a token for the challenged scope
 * is fetched from its realm with the same credentials and the call is made once more with it.
 */
export async function registryCall(
  reg: RegistryEndpoint,
  pathOrUrl: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpResponse> {
  let ca: string | undefined;
  if (reg.caFile) {
    ca = caCache.get(reg.caFile) ?? readFileSync(reg.caFile, 'utf8');
    caCache.set(reg.caFile, ca);
  }
  const basic = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  const send = (authorization: string) =>
    httpCall(new URL(pathOrUrl, reg.url), { ...opts, headers: { authorization, ...opts.headers }, ca });
  const res = await send(basic);
  const challenge = String(res.headers['www-authenticate'] ?? '');
  if (res.status !== 401 || !/^Bearer\s/i.test(challenge)) return res;
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1];
  const realm = new URL(param('realm') ?? '');
  for (const name of ['service', 'scope']) {
    const value = param(name);
    if (value !== undefined) realm.searchParams.set(name, value);
  }
  const tokenRes = await httpCall(realm, { headers: { authorization: basic }, ca });
  if (tokenRes.status !== 200) throw new Error(`token from ${realm.origin}: HTTP ${tokenRes.status}`);
  const { token } = JSON.parse(tokenRes.body.toString('utf8')) as { token: string };
  return send(`Bearer ${token}`);
}

const call = registryCall;

function expectStatus(res: HttpResponse, ok: number[], what: string): void {
  if (!ok.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 500)}`);
  }
}

/** Uploads a blob (POST then PUT, which every registry supports) and returns its digest. */
export async function putBlob(reg: RegistryEndpoint, repo: string, bytes: Buffer | string): Promise<string> {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const digest = sha256Digest(body);
  const start = await call(reg, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expectStatus(start, [202], `start upload to ${repo}`);
  const location = start.headers.location;
  if (!location) throw new Error(`start upload to ${repo}: no Location header`);
  const target = new URL(location, reg.url);
  target.searchParams.set('digest', digest);
  const put = await call(reg, target.toString(), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body,
  });
  expectStatus(put, [201], `upload blob ${digest} to ${repo}`);
  return digest;
}

export async function getBlob(reg: RegistryEndpoint, repo: string, digest: string): Promise<Buffer> {
  const res = await call(reg, `/v2/${repo}/blobs/${digest}`);
  expectStatus(res, [200], `get blob ${repo}@${digest}`);
  return res.body;
}

/**
 * Stores a manifest under a tag or digest. An object is serialised with JSON.stringify; pass bytes
 * to control the exact encoding (the digest is over the bytes). Returns the manifest digest.
 */
export async function putManifest(
  reg: RegistryEndpoint,
  repo: string,
  reference: string,
  manifest: object | Buffer | string,
  mediaType: string = OCI_MANIFEST,
): Promise<string> {
  const bytes = Buffer.isBuffer(manifest)
    ? manifest
    : Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  const res = await call(reg, `/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: bytes,
  });
  expectStatus(res, [201], `put manifest ${repo}:${reference}`);
  const digest = sha256Digest(bytes);
  const reported = res.headers['docker-content-digest'];
  if (reported && reported !== digest) throw new Error(`registry says ${reported}, bytes hash to ${digest}`);
  return digest;
}

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

export async function getManifest(reg: RegistryEndpoint, repo: string, ref: string): Promise<FetchedManifest> {
  const res = await call(reg, `/v2/${repo}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } });
  expectStatus(res, [200], `get manifest ${repo}:${ref}`);
  return {
    bytes: res.body,
    digest: sha256Digest(res.body),
    mediaType: String(res.headers['content-type'] ?? ''),
    json: JSON.parse(res.body.toString('utf8')) as Record<string, unknown>,
  };
}

export async function deleteManifest(reg: RegistryEndpoint, repo: string, digest: string): Promise<void> {
  const res = await call(reg, `/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
  expectStatus(res, [202], `delete manifest ${repo}@${digest}`);
}

/** Points `toTag` at whatever `fromRef` resolves to (byte-identical copy), i.e. moves a tag. */
export async function tagManifest(
  reg: RegistryEndpoint,
  repo: string,
  fromRef: string,
  toTag: string,
): Promise<string> {
  const m = await getManifest(reg, repo, fromRef);
  return putManifest(reg, repo, toTag, m.bytes, m.mediaType);
}

/** Tags of a repository; [] for a repository the registry has never seen. */
export async function listTags(reg: RegistryEndpoint, repo: string): Promise<string[]> {
  const res = await call(reg, `/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  expectStatus(res, [200], `list tags of ${repo}`);
  const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
  return body.tags ?? [];
}

export interface CraftLayer {
  content: Buffer | string;
  /** Goes into org.opencontainers.image.title verbatim; omit for a layer without a title. */
  title?: string;
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface CraftOptions {
  artifactType?: string;
  annotations?: Record<string, string>;
  subject?: Descriptor;
}

export interface CraftedArtifact {
  digest: string;
  bytes: Buffer;
  manifest: Record<string, unknown>;
  layers: Descriptor[];
  /** `repo:tag` and `repo@digest` relative to the registry host, for building references. */
  tagRef: string;
  digestRef: string;
}

/**
 * Pushes an OCI image manifest with an empty config (the layout oras 1.2+/ghcr use for artifacts)
 * and the given layers. Titles are written as given, so `../x`, `/etc/x`, duplicates or missing
 * titles can be produced.
 */
export async function craftArtifact(
  reg: RegistryEndpoint,
  repo: string,
  tag: string,
  layers: CraftLayer[],
  opts: CraftOptions = {},
): Promise<CraftedArtifact> {
  const emptyDigest = await putBlob(reg, repo, '{}');
  const descriptors: Descriptor[] = [];
  for (const layer of layers) {
    const content = typeof layer.content === 'string' ? Buffer.from(layer.content) : layer.content;
    const digest = await putBlob(reg, repo, content);
    const annotations = {
      ...layer.annotations,
      ...(layer.title !== undefined ? { [TITLE_ANNOTATION]: layer.title } : {}),
    };
    descriptors.push({
      mediaType: layer.mediaType ?? ORAS_LAYER,
      digest,
      size: content.length,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    });
  }
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: opts.artifactType ?? ORAS_UNKNOWN_ARTIFACT,
    config: { mediaType: OCI_EMPTY, digest: emptyDigest, size: 2, data: 'e30=' },
    layers: descriptors,
    ...(opts.subject ? { subject: opts.subject } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await putManifest(reg, repo, tag, bytes, OCI_MANIFEST);
  return { digest, bytes, manifest, layers: descriptors, tagRef: `${repo}:${tag}`, digestRef: `${repo}@${digest}` };
}
