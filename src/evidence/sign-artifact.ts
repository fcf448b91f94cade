/**
 * push --sign / sign <ref>: sign the bytes of an artifact that is in the registry and attach
 * the bundle to its manifest digest. The bundle must be over exactly the layer's bytes.
 */
import { join } from 'node:path';
import type { ResolvedBlob } from '../artifact/download.js';
import { attachBundle } from '../artifact/referrers.js';
import { verificationError } from '../core/errors.js';
import type { CosignTool, SigstoreServices } from '../tools/cosign.js';
import type { Runner } from '../tools/exec.js';
import type { Oras } from '../tools/oras.js';
import { signFile } from './sign-file.js';

export interface SignatureAttached {
  /** The referrer manifest holding the bundle. */
  digest: string;
  bundleDigest: string;
  identity?: string;
  issuer?: string;
  rekorLogIndex?: number;
}

export async function signAndAttach(
  ctx: { oras: Oras; blob: ResolvedBlob; file: string; workDir: string; cosign: CosignTool; run: Runner },
  token: { identityToken: string; secrets: readonly string[] },
  services: SigstoreServices,
): Promise<SignatureAttached> {
  const bundlePath = join(ctx.workDir, `${ctx.blob.title}.sigstore.json`);
  const signed = await signFile(ctx.cosign, ctx.run, {
    file: ctx.file,
    bundlePath,
    overwrite: false,
    ...token,
    services,
  });
  // Why exact: if the file changed between push and sign, the signature would vouch for
  // bytes the registry does not hold.
  if (`sha256:${signed.sha256}` !== ctx.blob.layer.digest) {
    throw verificationError(
      `the file changed while it was pushed: the registry holds ${ctx.blob.layer.digest}, the signature is over sha256:${signed.sha256}`,
    );
  }
  const attached = await attachBundle(ctx.oras, ctx.blob, bundlePath);
  return { ...attached, identity: signed.identity, issuer: signed.issuer, rekorLogIndex: signed.rekorLogIndex };
}
