/**
 * Binds what a signature names to the bytes that land, as an explicit chain. A statement may
 * name the pinned manifest digest (what actions/attest with push-to-registry and `cosign sign`
 * do) or the file itself; anything else is refused with both sides shown.
 */
import { verificationError } from '../../core/errors.js';
import type { ChainLink, Target } from './kind.js';

export const BY_US_MANIFEST = 'ghcr-blob: sha256 of the manifest bytes it fetched when resolving the reference';
export const BY_ORAS = 'oras, while downloading the layer by this digest';
export const BY_US_FILE = 'ghcr-blob: sha256 of the file as read';

export interface Binding {
  /** What the named digest is: the file's bytes, or the manifest that pins them. */
  names: 'file' | 'manifest';
  digest: string;
  chain: ChainLink[];
}

/** The first of `named` (`sha256:…`) that names the target, with the chain down to the file. */
export function bindSubject(named: readonly string[], target: Target, first: ChainLink['link']): Binding {
  const file = `sha256:${target.sha256}`;
  const fileLink: ChainLink = { link: 'file', digest: file, checkedBy: BY_US_FILE };
  const art = target.artifact;
  if (art && art.layerDigest !== file) {
    // oras fetched the layer by this digest and checked it; this keeps the chain honest on its own.
    throw verificationError('the file that landed is not the layer the manifest names', [
      `layer digest: ${art.layerDigest}`,
      `file sha256:  ${file}`,
    ]);
  }
  // Why exact: a digest is the only name for "these bytes".
  if (art && named.includes(art.manifestDigest)) {
    return {
      names: 'manifest',
      digest: art.manifestDigest,
      chain: [
        { link: first, digest: art.manifestDigest, checkedBy: 'the verified signature' },
        { link: 'manifest', digest: art.manifestDigest, checkedBy: BY_US_MANIFEST },
        { link: 'layer', digest: art.layerDigest, checkedBy: BY_ORAS },
        fileLink,
      ],
    };
  }
  if (named.includes(file)) {
    const layer: ChainLink[] = art ? [{ link: 'layer', digest: art.layerDigest, checkedBy: BY_ORAS }] : [];
    return {
      names: 'file',
      digest: file,
      chain: [{ link: first, digest: file, checkedBy: 'the verified signature' }, ...layer, fileLink],
    };
  }
  const message =
    first === 'signed digest'
      ? `${art ? 'the pulled file' : target.file} is not the file this bundle signs: its sha256 differs`
      : `the ${first} names other bytes`;
  throw verificationError(message, [
    `expected: ${art ? `the manifest ${art.manifestDigest} or ` : ''}the file ${file}`,
    `actual ${first}: ${named.join(', ') || '(none)'}`,
  ]);
}
