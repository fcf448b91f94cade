/**
 * inspect REF: resolve the reference once, ask every signature source (sources/), and describe
 * every candidate as it describes itself (kinds/*.describe: read, NOT verified). With a check,
 * each candidate is verified on its own, by both verifiers, against the digests the pinned
 * manifest names: the file is never downloaded, so a signature is bound to the manifest or to the
 * layer digest the manifest gives (what oras would check the bytes against), never to bytes read.
 */
import { type ResolvedBlob, resolveBlob } from '../artifact/download.js';
import { isGhcrBlobError } from '../core/errors.js';
import type { Reference } from '../core/reference.js';
import { type EvidenceDescription, describeEvidence, digestsNeededBy } from './kinds/index.js';
import { findSignatures, type Found, foundAt, type SourceName } from './sources/index.js';
import type { ArtifactContext } from './verify-artifact.js';
import { type PreparedCheck, verifyFile } from './verify-file.js';
import { TITLE_ANNOTATION } from '../tools/oci.js';

export type CandidateVerdict =
  | { status: 'passed'; evidence: string; identity: string; issuer: string; publicKey?: string; verifiers: string[] }
  | { status: 'failed'; reason: string; details: string[] }
  | { status: 'not checked'; reason: string };

export interface InspectedSignature {
  source: SourceName;
  /** The referrer, or the `.sig` / `.att` tag's manifest. */
  digest: string;
  layer?: number;
  /** What it says it is: read, not verified. Absent when it could not be read. */
  described?: EvidenceDescription;
  /** Why it could not be read (gone, junk, over a cap). */
  unusable?: string;
  /** With --verify only. */
  verdict?: CandidateVerdict;
}

export interface InspectedArtifact {
  blob: ResolvedBlob;
  signatures: InspectedSignature[];
  /** Listed beyond a source's cap, never examined. */
  notExamined: number;
}

const NOT_DOWNLOADED = '(the file, not downloaded by inspect)';

/** The verdict of one candidate; only a rejection is a verdict, anything else (network, tools) ends inspect. */
async function verdictOf(
  ctx: ArtifactContext,
  blob: ResolvedBlob,
  candidate: Exclude<Found, { skipped: string }>,
  check: PreparedCheck,
): Promise<CandidateVerdict> {
  const { bundle, bundlePath, simpleSigning } = candidate;
  const needed = digestsNeededBy(bundle, simpleSigning);
  if (needed.length > 0 || !blob.layer.digest.startsWith('sha256:')) {
    return {
      status: 'not checked',
      reason: `it names the file by its ${needed[0] ?? 'sha256'}, which inspect does not compute (it never downloads the file); pull --verify or verify REF checks it`,
    };
  }
  try {
    const v = await verifyFile(
      {
        file: NOT_DOWNLOADED,
        bundlePath,
        bundle,
        ...check,
        sha256: blob.layer.digest.slice('sha256:'.length),
        artifact: { manifestDigest: blob.digest, layerDigest: blob.layer.digest },
        // As pull --verify: evidence that names a repository must name this one, and the manifest's own title.
        repository: blob.repository,
        title: blob.layer.annotations?.[TITLE_ANNOTATION] ?? '',
        ...(simpleSigning ? { payload: simpleSigning } : {}),
      },
      ctx.run,
    );
    return {
      status: 'passed',
      evidence: v.evidence,
      identity: v.identity,
      issuer: v.issuer,
      ...(v.publicKey ? { publicKey: v.publicKey } : {}),
      verifiers: v.verifiers,
    };
  } catch (e) {
    if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
    return { status: 'failed', reason: e.message, details: [...e.details] };
  }
}

export async function inspectArtifact(
  ctx: ArtifactContext,
  ref: Reference,
  check?: PreparedCheck,
): Promise<InspectedArtifact> {
  const blob = await resolveBlob(ctx.oras, ref, ctx.workDir, undefined, { nameless: true });
  const { found, notExamined } = await findSignatures({ ...ctx, blob });
  const signatures: InspectedSignature[] = [];
  for (const candidate of found) {
    const where = foundAt(candidate);
    if ('skipped' in candidate) {
      signatures.push({ ...where, unusable: candidate.skipped });
      continue;
    }
    let described: EvidenceDescription;
    try {
      described = describeEvidence(candidate.bundle, candidate.simpleSigning);
    } catch (e) {
      if (!isGhcrBlobError(e) || e.code !== 'VERIFICATION_FAILED') throw e;
      signatures.push({ ...where, unusable: e.message });
      continue;
    }
    const verdict = check ? await verdictOf(ctx, blob, candidate, check) : undefined;
    signatures.push({ ...where, described, ...(verdict ? { verdict } : {}) });
  }
  return { blob, signatures, notExamined };
}
