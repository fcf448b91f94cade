/**
 * `pull <ref> -o DIR`: resolve once, pull by digest into a private folder inside DIR, check,
 * then move the one file into place. On any failure DIR is left as it was.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { moveIntoPlace, privateTempDir } from '../core/fs.js';
import { expectDigestSchema, formatReference, parseReference } from '../core/reference.js';
import type { Deps } from '../deps.js';
import { describeFile, downloadBlob, resolveBlob } from '../artifact/download.js';
import { authOptionsSchema } from '../options/auth.js';
import { parseOptions } from '../options/parse.js';
import { connectRegistry } from '../options/registry.js';
import { remoteOptionsSchema } from '../options/remote.js';
import { toolOptionsSchema } from '../options/tools.js';
import { policyOptionsSchema } from '../options/policy.js';
import { prepareReferrerCheck, refuseUnusedPolicy } from '../options/verification.js';
import type { VerifiedBlob } from '../signing/verify-referrers.js';
import type { verifiedJson } from '../signing/verify-file.js';

export const pullOptionsSchema = authOptionsSchema
  .extend(remoteOptionsSchema.shape)
  .extend(toolOptionsSchema.shape)
  .extend(policyOptionsSchema.shape)
  .extend({
    verify: z.boolean().default(false),
    output: z.string().min(1).default('.'),
    force: z.boolean().default(false),
    expectDigest: expectDigestSchema,
    json: z.boolean().default(false),
  });
export type PullOptions = z.infer<typeof pullOptionsSchema>;

export interface PullResult {
  reference: string;
  digest: string;
  pinnedReference: string;
  file: { path: string; name: string; size: number; digest: string; mediaType: string };
  verification?: ReturnType<typeof verifiedJson> & { signatureDigest: string };
}

async function prepareOutputDir(dir: string): Promise<{ created: boolean }> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw usageError(`${dir} exists and is not a folder`);
  if (info) return { created: false };
  await mkdir(dir, { recursive: true });
  return { created: true };
}

async function refuseToClobber(target: string, force: boolean): Promise<void> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return;
  if (!info.isFile()) throw usageError(`${target} exists and is not a file`);
  if (!force) throw usageError(`${target} already exists`, 'pass --force to replace it');
}

export async function runPull(refArg: string, raw: unknown, deps: Deps): Promise<PullResult> {
  const opts = parseOptions(pullOptionsSchema, raw);
  if (!opts.verify) refuseUnusedPolicy(opts, '--verify');
  const ref = parseReference(refArg);
  // The policy, cosign and the trust material are settled before anything is downloaded.
  const check = opts.verify ? await prepareReferrerCheck(opts, deps) : undefined;
  const oras = await connectRegistry(opts, deps);
  const outDir = resolve(opts.output);
  const { created } = await prepareOutputDir(outDir);
  // Same filesystem as the destination, so the final step is a rename, not a copy.
  const work = await privateTempDir(outDir);
  let landed = false;
  try {
    const blob = await resolveBlob(oras, ref, work.path, opts.expectDigest);
    const target = join(outDir, blob.title);
    await refuseToClobber(target, opts.force);
    // Loaded only with --verify: the Sigstore stack is heavy to start.
    const verifying = check ? await import('../signing/verify-referrers.js') : undefined;
    const signatures = verifying ? await verifying.listSignatures(oras, blob, deps.log) : undefined;
    deps.log.info(`Pulling ${blob.pinnedReference} (${blob.layer.size} bytes)`);
    const file = await downloadBlob(oras, blob, work.path);
    let verified: VerifiedBlob | undefined;
    if (check && verifying && signatures) {
      verified = await verifying.verifyAgainstReferrers(
        { oras, blob, file, workDir: work.path, run: deps.run },
        check,
        signatures,
      );
      deps.log.info(`Verified: signed by ${verified.identity}; checked by ${verified.verifiers.join(' and ')}`);
    }
    // The bytes moved into place are the bytes just verified: no second download.
    await moveIntoPlace(file, target, opts.force);
    landed = true;
    return {
      reference: formatReference(ref),
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: { path: target, ...describeFile(blob) },
      ...(verified
        ? {
            verification: {
              ...(await import('../signing/verify-file.js')).verifiedJson(verified),
              signatureDigest: verified.signatureDigest,
            },
          }
        : {}),
    };
  } finally {
    await work.dispose();
    await oras.dispose();
    if (!landed && created) await rmdir(outDir).catch(() => {});
  }
}
