/**
 * `verify <file> --bundle PATH` or `verify <ref>` (the attached signatures; writes nothing),
 * always with an identity policy: both verifiers must accept. The policy is required and
 * checked before anything is read; any rejection exits with VERIFICATION_FAILED.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { checkRegularFile, privateTempDir } from '../core/fs.js';
import { expectDigestSchema, parseReference } from '../core/reference.js';
import type { Deps } from '../deps.js';
import { describeFile, downloadBlob, resolveBlob } from '../artifact/download.js';
import { authOptionsSchema } from '../options/auth.js';
import { parseOptions } from '../options/parse.js';
import { policyOptionsSchema } from '../options/policy.js';
import { connectRegistry } from '../options/registry.js';
import { remoteOptionsSchema } from '../options/remote.js';
import { toolOptionsSchema } from '../options/tools.js';
import { prepareReferrerCheck } from '../options/verification.js';
import { verifiedJson, verifyFile, type VerifiedFile } from '../signing/verify-file.js';
import { listSignatures, verifyAgainstReferrers } from '../signing/verify-referrers.js';

export const verifyOptionsSchema = policyOptionsSchema
  .extend(toolOptionsSchema.shape)
  .extend(authOptionsSchema.shape)
  .extend(remoteOptionsSchema.shape)
  .extend({
    bundle: z.string().min(1).optional(),
    expectDigest: expectDigestSchema,
    json: z.boolean().default(false),
  });
type VerifyOptions = z.infer<typeof verifyOptionsSchema>;

async function verifyLocalFile(fileArg: string, opts: VerifyOptions, deps: Deps) {
  const check = await prepareReferrerCheck(opts, deps);
  const file = await checkRegularFile(fileArg);
  const verified = await verifyFile({ file, bundlePath: resolve(opts.bundle!), ...check }, deps.run);
  return verifiedJson(verified);
}

/** Pulls the pinned artifact into a private folder, verifies it there, then removes it. */
async function verifyRemote(refArg: string, opts: VerifyOptions, deps: Deps) {
  const ref = parseReference(refArg);
  const check = await prepareReferrerCheck(opts, deps);
  const oras = await connectRegistry(opts, deps);
  const work = await privateTempDir();
  try {
    const blob = await resolveBlob(oras, ref, work.path, opts.expectDigest);
    const signatures = await listSignatures(oras, blob, deps.log);
    const file = await downloadBlob(oras, blob, work.path);
    const verified = await verifyAgainstReferrers(
      { oras, blob, file, workDir: work.path, run: deps.run },
      check,
      signatures,
    );
    return {
      reference: refArg,
      digest: blob.digest,
      pinnedReference: blob.pinnedReference,
      file: describeFile(blob),
      verification: { ...verifiedJson(verified), signatureDigest: verified.signatureDigest },
    };
  } finally {
    await work.dispose();
    await oras.dispose();
  }
}

export async function runVerify(target: string, raw: unknown, deps: Deps) {
  const opts = parseOptions(verifyOptionsSchema, raw);
  if (opts.bundle) {
    if (opts.passwordStdin || opts.username || opts.expectDigest)
      throw usageError('--bundle verifies a local file; registry options do not apply');
    return verifyLocalFile(target, opts, deps);
  }
  return verifyRemote(target, opts, deps);
}

export function describeVerified(v: Pick<VerifiedFile, 'identity' | 'issuer' | 'verifiers'>): string {
  return `Verified: signed by ${v.identity} (issuer ${v.issuer}); checked by ${v.verifiers.join(' and ')}`;
}
