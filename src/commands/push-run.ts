/**
 * `push <ref> <file> [--sign]`: one regular file becomes one OCI artifact with one titled
 * layer. With --sign, its bytes are signed keyless first, pushed by digest, the bundle attached
 * as a referrer, and only then is the tag moved.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { resolveBlob } from '../artifact/download.js';
import { isPlainFileName } from '../artifact/manifest.js';
import { usageError, withDetail } from '../core/errors.js';
import { checkRegularFile, privateTempDir } from '../core/fs.js';
import { printable } from '../core/printable.js';
import { formatReference, parseReference, pinned, type Reference, repositoryOf } from '../core/reference.js';
import type { SignatureAttached } from '../evidence/sign-artifact.js';
import { signaturesAtTag } from '../artifact/tag-signatures.js';
import { parseOptions } from '../options/parse.js';
import { type PushOptions, pushOptionsSchema } from '../options/push.js';
import type { Oras } from '../tools/oras.js';
import type { Descriptor } from '../tools/oci.js';
import { checkKeyOptions, refuseStdinTwice } from '../options/signing.js';
import type { Deps } from './deps.js';
import { connectRegistry, prepareSigner } from './prepare.js';
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
  // What pull would refuse to write must not be pushed (no backslash, newline, tab, control characters).
  if (!isPlainFileName(name))
    throw usageError(
      `the file name ${printable(JSON.stringify(name))} is not a plain file name; pull would refuse it`,
      'rename the file: no backslash, newline, tab or other control characters, at most 255 bytes',
    );
  return { path: full, dir: dirname(full), name, size: (await stat(full)).size };
}

export async function runPush(refArg: string, fileArg: string, raw: unknown, deps: Deps): Promise<PushResult> {
  const opts = parseOptions(pushOptionsSchema, raw);
  const ref = parseReference(refArg);
  if (!ref.tag || ref.digest)
    throw usageError(`push needs a tag, not a digest: ${refArg}`, 'e.g. ghcr.io/OWNER/NAME:v1');
  if (
    !opts.sign &&
    (opts.identityTokenStdin ||
      opts.signingConfig ||
      opts.trustedRoot ||
      opts.key ||
      opts.keyPasswordStdin ||
      opts.tlogUpload !== undefined)
  ) {
    throw usageError(
      '--identity-token-stdin, --signing-config, --trusted-root, --key, --key-password-stdin and --tlog-upload only apply with --sign',
    );
  }
  checkKeyOptions(opts);
  refuseStdinTwice(opts);
  const file = await checkFile(fileArg);
  const oras = await connectRegistry(opts, deps, { ref, access: 'push' });
  try {
    const push = (reference: string) =>
      withProgress(watchUpload(deps.env, 'Pushing', file.size), () =>
        oras.push({
          cwd: file.dir,
          reference,
          fileArg: `${file.name}:${opts.mediaType}`,
          artifactType: opts.artifactType,
          annotations: opts.annotation,
        }),
      );
    const describe = (pushed: Descriptor): PushResult => ({
      reference: formatReference(ref),
      digest: pushed.digest,
      pinnedReference: pinned(ref, pushed.digest),
      mediaType: pushed.mediaType,
      artifactType: pushed.artifactType,
      file: { name: file.name, size: file.size, mediaType: opts.mediaType },
    });
    if (!opts.sign) {
      await checkTagMove(ref, opts, deps, oras);
      deps.log.info(`Pushing ${file.name} (${file.size} bytes) to ${formatReference(ref)}`);
      return describe(await push(formatReference(ref)));
    }
    return await pushSigned(ref, file, opts, deps, oras, async () => describe(await push(repositoryOf(ref))));
  } finally {
    await oras.dispose();
  }
}

/**
 * A tag that points at a signed artifact moves with a warning; to unsigned bytes only with
 * --force, or consumers' `pull --verify` would suddenly find nothing it can verify.
 */
async function checkTagMove(ref: Reference, opts: PushOptions, deps: Deps, oras: Oras): Promise<void> {
  const work = await privateTempDir();
  try {
    const current = await signaturesAtTag(oras, ref, work.path);
    if (!current?.signatures) return;
    const n = current.signatures;
    const what = `${formatReference(ref)} points at a signed artifact (${pinned(ref, current.digest)}, ${n} signature${n === 1 ? '' : 's'})`;
    if (!opts.sign && !opts.force) {
      throw usageError(
        `${what}; pushing unsigned bytes would move the tag to an artifact nobody signed`,
        'sign the new file with --sign, push it under another tag, or pass --force to move the tag anyway',
      );
    }
    deps.log.info(`warning: ${what}; the tag moves to the new ${opts.sign ? 'signed' : 'UNSIGNED'} artifact`);
  } finally {
    await work.dispose();
  }
}

/**
 * Sign, push by digest (no tag), attach, and only then tag: the tag never points at bytes
 * without their signature. Whatever fails, the tag is where it was, and the error says so.
 */
async function pushSigned(
  ref: Reference,
  file: { path: string; name: string; size: number },
  opts: PushOptions,
  deps: Deps,
  oras: Oras,
  pushUntagged: () => Promise<PushResult>,
): Promise<PushResult> {
  const tag = formatReference(ref);
  let pushed: PushResult | undefined;
  const work = await privateTempDir();
  try {
    // Everything signing needs is settled, and the bytes signed, before anything is pushed.
    const signer = await prepareSigner(opts, deps);
    // Loaded only when signing: the Sigstore stack is heavy to start.
    const { signBytes, attachSignature } = await import('../evidence/sign-artifact.js');
    deps.log.info(`Signing ${file.name} with cosign ${signer.cosign.generation}`);
    const signed = await signBytes(
      { file: file.path, title: file.name, repository: repositoryOf(ref), workDir: work.path, run: deps.run },
      signer,
    );
    await checkTagMove(ref, opts, deps, oras);
    deps.log.info(`Pushing ${file.name} (${file.size} bytes) to ${repositoryOf(ref)}, untagged until signed`);
    pushed = await pushUntagged();
    const blob = await resolveBlob(oras, parseReference(pushed.pinnedReference), work.path);
    pushed.file.digest = blob.layer.digest;
    pushed.signature = await attachSignature(oras, blob, signed);
    await oras.tag(pushed.pinnedReference, ref.tag!);
    return pushed;
  } catch (e) {
    throw withDetail(
      e,
      pushed
        ? `the tag ${tag} was not moved: it still points where it did (the upload stays untagged at ${pushed.pinnedReference})`
        : `nothing was pushed: the tag ${tag} still points where it did`,
    );
  } finally {
    await work.dispose();
  }
}
