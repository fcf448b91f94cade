/** verify: a local file with --bundle, or a reference; and the option modules it embeds. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { expectDigestSchema } from '../core/reference.js';
import { addCommonOptions, commonOptionsSchema } from './common.js';
import { addNameBindingOptions, nameBindingOptionsSchema, repositoryOptionSchema } from './name-binding.js';
import { addPolicyOptions, policyOptionsSchema } from './policy.js';
import { addTrustOptions } from './trust.js';

export const verifyOptionsSchema = commonOptionsSchema
  .extend(policyOptionsSchema.shape)
  .extend(nameBindingOptionsSchema.shape)
  .extend({
    bundle: z.string().min(1).optional(),
    expectDigest: expectDigestSchema,
    repository: repositoryOptionSchema,
  });
export type VerifyOptions = z.infer<typeof verifyOptionsSchema>;

export function addVerifyOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--bundle <path>', 'the Sigstore bundle of a local file (e.g. <file>.sigstore.json)'))
    .addOption(new Option('--expect-digest <sha256>', "with a reference: refuse unless the file's sha256 is this"))
    .addOption(
      new Option(
        '--repository <host/path>',
        'with --bundle: the repository the signature must name (e.g. ghcr.io/octo/tools/report.json)',
      ),
    );
  addNameBindingOptions(cmd);
  addPolicyOptions(cmd);
  addTrustOptions(cmd);
  return addCommonOptions(cmd);
}
