/**
 * A repository's tags for `ls`: listed once through oras (capped in bytes and time), signature
 * machinery told apart from releases, and each release tag dated by its manifest's
 * `org.opencontainers.image.created` annotation (oras push writes it; the OCI tag list has no
 * time). Ordering is pure (orderTags), so it is tested without a registry.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { ociDigest, sha256Bytes } from '../core/digest.js';
import { GhcrBlobError, isGhcrBlobError } from '../core/errors.js';
import { checkUntrustedJson, parseJson } from '../core/json-input.js';
import { MAX_TAG_LISTING_BYTES, type Oras } from '../tools/oras.js';

export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
/** Tags dated (one manifest read each); past it tags are listed undated, by name. */
export const MAX_DATED_TAGS = 100;
/** Manifests read at once while dating. */
const DATING_CONCURRENCY = 4;
/** A manifest read only for its date: a ghcr-blob manifest is under 1 KiB, an image index a few. */
export const MAX_DATED_MANIFEST_BYTES = 256 * 1024;

export type HiddenKind = 'referrers index' | 'cosign signature' | 'cosign attestation' | 'cosign SBOM';

const SUFFIX_KIND: Readonly<Record<string, HiddenKind>> = {
  sig: 'cosign signature',
  att: 'cosign attestation',
  sbom: 'cosign SBOM',
};

/**
 * What a signature-machinery tag is: oras's referrers fallback index (`sha256-<hex>`) or cosign's
 * `sha256-<hex>.sig/.att/.sbom`. Why exact: only that shape is hidden, so a release tag such as
 * `sha256-notes` or `v1.sig` is still listed.
 */
export function hiddenKind(tag: string): HiddenKind | undefined {
  const m = /^sha256-[0-9a-f]{64}(?:\.(sig|att|sbom))?$/.exec(tag);
  if (!m) return undefined;
  return m[1] === undefined ? 'referrers index' : SUFFIX_KIND[m[1]];
}

export interface TagInfo {
  tag: string;
  /** sha256 of the manifest bytes read, when the tag was dated. */
  digest?: string;
  /** The manifest's created annotation, ISO 8601, as written (unverified: anyone who pushes sets it). */
  created?: string;
  /** Signature machinery (shown with --all only). */
  hidden?: HiddenKind;
  /** Why the tag has no date. */
  undated?: string;
}

/** Every tag, in the registry's order. Past the byte cap the listing is refused, not shown in part. */
export async function listTags(oras: Oras, repository: string): Promise<string[]> {
  try {
    return await oras.listTags(repository);
  } catch (e) {
    if (isGhcrBlobError(e) && e.code === 'VERIFICATION_FAILED' && /more than \d+ bytes arrived/.test(e.message)) {
      throw new GhcrBlobError(
        'VERIFICATION_FAILED',
        `the tag listing of ${repository} passed ${MAX_TAG_LISTING_BYTES} bytes; refused rather than shown in part`,
        { cause: e, recommendation: 'ask the registry for a tag directly: ghcr-blob inspect REPO:TAG' },
      );
    }
    throw e;
  }
}

const createdSchema = z.looseObject({ annotations: z.record(z.string(), z.string()).optional() });

/** RFC 3339 with a zone (what oras writes, e.g. 2026-12-02T11:51:55Z); anything else is no date. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A manifest's bytes → its digest and created annotation (undefined when absent or not a date). */
export function manifestDate(bytes: Buffer): { digest: string; created?: string } {
  const digest = ociDigest(sha256Bytes(bytes));
  const json = parseJson(bytes.toString('utf8'));
  if (!json.ok) return { digest };
  const created = checkUntrustedJson(json.value, createdSchema, {
    source: 'the manifest',
    what: 'an OCI manifest',
    code: 'VERIFICATION_FAILED',
  }).annotations?.[CREATED_ANNOTATION];
  return created !== undefined && RFC3339.test(created) && !Number.isNaN(Date.parse(created))
    ? { digest, created }
    : { digest };
}

/** Failures that are this tag's (gone, junk, too big, slow, stopped at the deadline); the rest end `ls`. */
const isTagsOwn = (e: unknown) => isGhcrBlobError(e) && e.code !== 'AUTH_FAILED' && e.code !== 'TOOL_MISSING';

async function dateOne(oras: Oras, repository: string, tag: string, path: string, signal: AbortSignal) {
  try {
    await oras.fetchManifest(`${repository}:${tag}`, path, MAX_DATED_MANIFEST_BYTES, signal);
    const dated = manifestDate(await readFile(path));
    return dated.created ? dated : { ...dated, undated: `no ${CREATED_ANNOTATION} annotation` };
  } catch (e) {
    if (signal.aborted) return { undated: 'not read within the time limit' };
    if (!isTagsOwn(e)) throw e;
    return { undated: (e as GhcrBlobError).message };
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * Dates the first MAX_DATED_TAGS tags (a few at a time), all within `budgetMs`: tags not read by
 * then are listed undated. Hidden tags are not read unless `all`.
 */
export async function dateTags(
  oras: Oras,
  repository: string,
  tags: readonly string[],
  opts: { all: boolean; workDir: string; budgetMs: number },
): Promise<TagInfo[]> {
  const infos: TagInfo[] = tags.map((tag) => {
    const hidden = hiddenKind(tag);
    return hidden ? { tag, hidden } : { tag };
  });
  const shown = infos.filter((t) => opts.all || !t.hidden);
  const toDate = shown.slice(0, MAX_DATED_TAGS);
  for (const t of shown.slice(MAX_DATED_TAGS)) t.undated = `beyond the first ${MAX_DATED_TAGS} tags`;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), opts.budgetMs);
  let next = 0;
  const worker = async (w: number) => {
    while (next < toDate.length) {
      const t = toDate[next++] as TagInfo;
      if (stop.signal.aborted) t.undated = 'not read within the time limit';
      else
        Object.assign(t, await dateOne(oras, repository, t.tag, join(opts.workDir, `manifest-${w}.json`), stop.signal));
    }
  };
  try {
    await Promise.all(Array.from({ length: DATING_CONCURRENCY }, (_, w) => worker(w)));
  } finally {
    clearTimeout(timer);
  }
  return infos;
}

/** Newest first by created; same time, or no time at all (listed after), by name. */
export function orderTags(tags: readonly TagInfo[]): TagInfo[] {
  const time = (t: TagInfo) => (t.created === undefined ? undefined : Date.parse(t.created));
  return [...tags].sort((a, b) => {
    const [ta, tb] = [time(a), time(b)];
    if (ta !== undefined && tb !== undefined && ta !== tb) return tb - ta;
    if ((ta === undefined) !== (tb === undefined)) return ta === undefined ? 1 : -1;
    return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
  });
}
