/**
 * Binds what a signature names to the bytes that land, as an explicit chain. A statement may
 * name the pinned manifest digest (what actions/attest with push-to-registry and `cosign sign`
 * do) or the file itself, by sha256, sha384 or sha512 (npm provenance names a tarball by sha512
 * only); anything else is refused with both sides shown.
 */
import { type DigestAlgorithm, isDigestAlgorithm } from '../../core/digest.js';
import { verificationError } from '../../core/errors.js';
import type { SubjectDigests } from '../../verify/index.js';
import type { ChainLink, Target } from './kind.js';

export const BY_US_MANIFEST = 'ghcr-blob: sha256 of the manifest bytes it fetched when resolving the reference';
export const BY_ORAS = 'oras, while downloading the layer by this digest';
export const byUsFile = (alg: DigestAlgorithm) => `ghcr-blob: ${alg} of the file as read`;

export interface Binding {
  /** What the named digest is: the file's bytes, or the manifest that pins them. */
  names: 'file' | 'manifest';
  /** `alg:hex`, the strongest digest that matched (what cosign is given). */
  digest: string;
  chain: ChainLink[];
  /** Which of the named subjects bound (a statement's subject carries its own name). */
  index: number;
}

/** `sha512:<hex>` as {sha512: hex}; a digest of another algorithm names nothing we compute. */
function asSubjectDigests(named: string | SubjectDigests): SubjectDigests {
  if (typeof named !== 'string') return named;
  const colon = named.indexOf(':');
  const alg = named.slice(0, colon);
  return colon > 0 && isDigestAlgorithm(alg) ? { [alg]: named.slice(colon + 1) } : {};
}

const spell = (alg: DigestAlgorithm, hex: string) => `${alg}:${hex}`;
const entries = (d: SubjectDigests) => Object.entries(d) as Array<[DigestAlgorithm, string]>;

/**
 * The first of `named` that names the target, with the chain down to the file. A subject names
 * the file when every digest it gives that ghcr-blob computed matches, and it gave at least one.
 */
export function bindSubject(
  namedAs: ReadonlyArray<string | SubjectDigests>,
  target: Target,
  first: ChainLink['link'],
): Binding {
  const named = namedAs.map(asSubjectDigests);
  const file = `sha256:${target.sha256}`;
  const art = target.artifact;
  if (art && art.layerDigest !== file) {
    // oras fetched the layer by this digest and checked it; this keeps the chain honest on its own.
    throw verificationError('the file that landed is not the layer the manifest names', [
      `layer digest: ${art.layerDigest}`,
      `file sha256:  ${file}`,
    ]);
  }
  // Why exact: a digest is the only name for "these bytes".
  const byManifest = art
    ? named.findIndex((d) => d.sha256 !== undefined && spell('sha256', d.sha256) === art.manifestDigest)
    : -1;
  if (art && byManifest >= 0) {
    return {
      index: byManifest,
      names: 'manifest',
      digest: art.manifestDigest,
      chain: [
        { link: first, digest: art.manifestDigest, checkedBy: 'the verified signature' },
        { link: 'manifest', digest: art.manifestDigest, checkedBy: BY_US_MANIFEST },
        { link: 'layer', digest: art.layerDigest, checkedBy: BY_ORAS },
        { link: 'file', digest: file, checkedBy: byUsFile('sha256') },
      ],
    };
  }
  for (const [index, subject] of named.entries()) {
    const matched = fileMatches(subject, target);
    if (matched.length === 0) continue;
    const strongest = matched[matched.length - 1] as [DigestAlgorithm, string];
    const layer: ChainLink[] = art ? [{ link: 'layer', digest: art.layerDigest, checkedBy: BY_ORAS }] : [];
    const fileLinks: ChainLink[] = matched.map(([alg, hex]) => ({
      link: 'file',
      digest: spell(alg, hex),
      checkedBy: byUsFile(alg),
    }));
    // The layer link is a sha256; keep the file's sha256 in the chain below it.
    if (!matched.some(([alg]) => alg === 'sha256'))
      fileLinks.push({ link: 'file', digest: file, checkedBy: byUsFile('sha256') });
    return {
      index,
      names: 'file',
      digest: spell(...strongest),
      chain: [
        ...matched.map(
          ([alg, hex]): ChainLink => ({ link: first, digest: spell(alg, hex), checkedBy: 'the verified signature' }),
        ),
        ...layer,
        ...fileLinks,
      ],
    };
  }
  throw mismatch(named, target, first);
}

/**
 * The digests of `subject` that equal the file's, weakest first — or none when one of them differs
 * or the file's digest of that algorithm was not computed (the caller computes what is named).
 */
function fileMatches(subject: SubjectDigests, target: Target): Array<[DigestAlgorithm, string]> {
  const given = entries(subject);
  const ok = given.every(([alg, hex]) => target[alg] === hex);
  return ok ? given.sort(([a], [b]) => a.localeCompare(b)) : [];
}

function mismatch(named: readonly SubjectDigests[], target: Target, first: ChainLink['link']) {
  const art = target.artifact;
  const algorithms = [...new Set(named.flatMap((d) => entries(d).map(([alg]) => alg)))];
  const fileDigests = algorithms.map((alg) => `${alg}:${target[alg] ?? '(not computed)'}`);
  const message =
    first === 'signed digest'
      ? `${art ? 'the pulled file' : target.file} is not the file this bundle signs: its ${algorithms.join('/')} differs`
      : `the ${first} names other bytes`;
  return verificationError(message, [
    `expected: ${art ? `the manifest ${art.manifestDigest} or ` : ''}the file ${fileDigests.join(', ')}`,
    `actual ${first}: ${
      named
        .map((d) =>
          entries(d)
            .map(([alg, hex]) => spell(alg, hex))
            .join(' + '),
        )
        .join(', ') || '(none)'
    }`,
  ]);
}
