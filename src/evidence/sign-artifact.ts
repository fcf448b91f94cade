/**
 * push --sign / sign <ref>: sign a file's bytes and attach the bundle to the manifest digest of
 * the artifact that holds exactly those bytes. Signing and attaching are separate steps so that
 * push can sign before anything is pushed and move its tag only once the signature is attached.
 */
import { join } from 'node:path';
import type { ResolvedBlob } from '../artifact/download.js';
import { attachBundle } from '../artifact/referrers.js';
import { verificationError } from '../core/errors.js';
import type { CosignTool, SigstoreServices } from '../tools/cosign.js';
import type { Runner } from '../tools/exec.js';
import type { Oras } from '../tools/oras.js';
import { type SignedFile, signFile } from './sign-file.js';

export interface SignatureAttached {
  /** The referrer manifest holding the bundle. */
  digest: string;
  bundleDigest: string;
  identity?: string;
  issuer?: string;
  rekorLogIndex?: number;
}

export interface SigningContext {
  /** The file whose bytes are signed. */
  file: string;
  /** Names the bundle (`<title>.sigstore.json`). */
  title: string;
  /** A private folder for the bundle. */
  workDir: string;
  cosign: CosignTool;
  run: Runner;
}

export async function signBytes(
  ctx: SigningContext,
  token: { identityToken: string; secrets: readonly string[] },
  services: SigstoreServices,
): Promise<SignedFile> {
  return signFile(ctx.cosign, ctx.run, {
    file: ctx.file,
    bundlePath: join(ctx.workDir, `${ctx.title}.sigstore.json`),
    overwrite: false,
    ...token,
    services,
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
  return { ...attached, identity: signed.identity, issuer: signed.issuer, rekorLogIndex: signed.rekorLogIndex };
}

/** sign <ref>: the artifact is already in the registry and its file already downloaded. */
export async function signAndAttach(
  ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string; cosign: CosignTool; run: Runner },
  token: { identityToken: string; secrets: readonly string[] },
  services: SigstoreServices,
): Promise<SignatureAttached> {
  const signed = await signBytes({ ...ctx, title: ctx.blob.title || 'content' }, token, services);
  return attachSignature(ctx.oras, ctx.blob, signed);
}
