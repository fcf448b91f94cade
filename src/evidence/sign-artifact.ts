/**
 * push --sign / sign <ref>: sign a file's bytes and attach the bundle to the manifest digest of
 * the artifact that holds exactly those bytes. Signing and attaching are separate steps so that
 * push can sign before anything is pushed and move its tag only once the signature is attached.
 */
import { join } from 'node:path';
import type { ResolvedBlob } from '../artifact/download.js';
import { attachBundle } from '../artifact/referrers.js';
import { verificationError } from '../core/errors.js';
import type { Runner } from '../tools/exec.js';
import { TITLE_ANNOTATION } from '../tools/oci.js';
import type { Oras } from '../tools/oras.js';
import type { Signer } from '../tools/signer.js';
import { type SignedFile, signFile } from './sign-file.js';

export interface SignatureAttached {
  /** The referrer manifest holding the bundle. */
  digest: string;
  bundleDigest: string;
  identity?: string;
  issuer?: string;
  /** Signed with a key: the key file or KMS URI. */
  key?: string;
  rekorLogIndex?: number;
  /** The repository and title the signed statement names. */
  names?: { repository: string; title?: string };
}

export interface SigningContext {
  /** The file whose bytes are signed. */
  file: string;
  /** The artifact's title ('' for none); the statement names it, and it names the bundle. */
  title: string;
  /** `host/path` the file is stored in, exactly as resolved: the statement names it. */
  repository: string;
  /** A private folder for the bundle. */
  workDir: string;
  run: Runner;
}

export async function signBytes(ctx: SigningContext, signer: Signer): Promise<SignedFile> {
  return signFile(signer, ctx.run, {
    file: ctx.file,
    bundlePath: join(ctx.workDir, `${ctx.title || 'content'}.sigstore.json`),
    overwrite: false,
    names: { repository: ctx.repository, ...(ctx.title ? { title: ctx.title } : {}) },
  });
}

/** Attaches a bundle to `blob`, once it is certain the bundle speaks about the blob's bytes. */
export async function attachSignature(oras: Oras, blob: ResolvedBlob, signed: SignedFile): Promise<SignatureAttached> {
  // Why exact: if the file changed between signing and pushing, the signature would vouch for
  // bytes the registry does not hold.
  if (`sha256:${signed.sha256}` !== blob.layer.digest) {
    throw verificationError(
      `the file changed while it was pushed: the registry holds ${blob.layer.digest}, the signature is over sha256:${signed.sha256}`,
    );
  }
  const attached = await attachBundle(oras, blob, signed.bundlePath);
  return {
    ...attached,
    identity: signed.identity,
    issuer: signed.issuer,
    ...(signed.key ? { key: signed.key } : {}),
    rekorLogIndex: signed.rekorLogIndex,
    ...(signed.names ? { names: signed.names } : {}),
  };
}

/** sign <ref>: the artifact is already in the registry and its file already downloaded. */
export async function signAndAttach(
  ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string; run: Runner },
  signer: Signer,
): Promise<SignatureAttached> {
  // The manifest's own title (not a --name chosen for landing it): what pull compares with.
  const title = ctx.blob.layer.annotations?.[TITLE_ANNOTATION] ?? '';
  const signed = await signBytes({ ...ctx, title, repository: ctx.blob.repository }, signer);
  return attachSignature(ctx.oras, ctx.blob, signed);
}
