/**
 * `push <ref> <file> [--sign]`: one regular file becomes one OCI artifact with one titled
 * layer. With --sign, its bytes are signed keyless and the bundle is attached as a referrer.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { resolveBlob } from '../artifact/download.js';
import { usageError } from '../core/errors.js';
import { checkRegularFile, privateTempDir, type TempDir } from '../core/fs.js';
import { formatReference, parseReference, pinned } from '../core/reference.js';
import type { SignatureAttached } from '../evidence/sign-artifact.js';
import { parseOptions } from '../options/parse.js';
import { pushOptionsSchema } from '../options/push.js';
import { refuseStdinTwice } from '../options/signing.js';
import type { Deps } from './deps.js';
import { connectRegistry, findCosign, identityToken, signingServices } from './prepare.js';
import { watchUpload, withProgress } from './progress.js';

export interface PushResult {
  reference: string;
  digest: string;
  pinnedReference: string;
  mediaType: string;
  artifactType?: string;
  file: { name: string; size: number; mediaType: string; digest?: string };
  signature?: SignatureAttached;
}

async function checkFile(path: string): Promise<{ path: string; dir: string; name: string; size: number }> {
  const full = await checkRegularFile(path, 'push takes exactly one file; archive a folder first (tar czf)');
  const name = basename(full);
  // oras reads `a:b` as path:mediaType; refuse rather than push a file under a wrong name.
  if (name.includes(':'))
    throw usageError(
      `${path}: the file name contains ':'`,
      "rename the file; the name is stored as the artifact's title",
    );
  return { path: full, dir: dirname(full), name, size: (await stat(full)).size };
}

export async function runPush(refArg: string, fileArg: string, raw: unknown, deps: Deps): Promise<PushResult> {
  const opts = parseOptions(pushOptionsSchema, raw);
  const ref = parseReference(refArg);
  if (!ref.tag || ref.digest)
    throw usageError(`push needs a tag, not a digest: ${refArg}`, 'e.g. ghcr.io/OWNER/NAME:v1');
  if (!opts.sign && (opts.identityTokenStdin || opts.signingConfig || opts.trustedRoot)) {
    throw usageError('--identity-token-stdin, --signing-config and --trusted-root only apply with --sign');
  }
  refuseStdinTwice(opts);
  const file = await checkFile(fileArg);
  const oras = await connectRegistry(opts, deps);
  let work: TempDir | undefined;
  try {
    // Everything signing needs is settled before anything is pushed.
    const cosign = opts.sign ? await findCosign(opts, deps) : undefined;
    const token = opts.sign ? await identityToken(opts, deps) : undefined;
    deps.log.info(`Pushing ${file.name} (${file.size} bytes) to ${formatReference(ref)}`);
    const pushed = await withProgress(watchUpload(deps.env, 'Pushing', file.size), () =>
      oras.push({
        cwd: file.dir,
        reference: formatReference(ref),
        fileArg: `${file.name}:${opts.mediaType}`,
        artifactType: opts.artifactType,
        annotations: opts.annotation,
      }),
    );
    const result: PushResult = {
      reference: formatReference(ref),
      digest: pushed.digest,
      pinnedReference: pinned(ref, pushed.digest),
      mediaType: pushed.mediaType,
      artifactType: pushed.artifactType,
      file: { name: file.name, size: file.size, mediaType: opts.mediaType },
    };
    if (cosign && token) {
      deps.log.info(`Signing ${file.name} with cosign ${cosign.generation}`);
      work = await privateTempDir();
      const blob = await resolveBlob(oras, parseReference(result.pinnedReference), work.path);
      result.file.digest = blob.layer.digest;
      // Loaded only when signing: the Sigstore stack is heavy to start.
      const { signAndAttach } = await import('../evidence/sign-artifact.js');
      result.signature = await signAndAttach(
        { oras, blob, file: file.path, workDir: work.path, cosign, run: deps.run },
        { identityToken: token.token, secrets: token.secrets },
        signingServices(opts),
      );
    }
    return result;
  } finally {
    await work?.dispose();
    await oras.dispose();
  }
}
