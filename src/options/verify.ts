/** verify: a local file with --bundle, or a reference; and the option modules it embeds. */
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { expectDigestSchema } from '../core/reference.js';
import { addAuthOptions, authOptionsSchema } from './auth.js';
import { addOutputOptions, outputOptionsSchema } from './output.js';
import { addPolicyOptions, policyOptionsSchema } from './policy.js';
import { addRemoteOptions, remoteOptionsSchema } from './remote.js';
import { addToolOptions, toolOptionsSchema } from './tools.js';
import { addTrustOptions } from './trust.js';

export const verifyOptionsSchema = policyOptionsSchema
  .extend(toolOptionsSchema.shape)
  .extend(authOptionsSchema.shape)
  .extend(remoteOptionsSchema.shape)
  .extend(outputOptionsSchema.shape)
  .extend({
    bundle: z.string().min(1).optional(),
    expectDigest: expectDigestSchema,
  });
export type VerifyOptions = z.infer<typeof verifyOptionsSchema>;

export function addVerifyOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--bundle <path>', 'the Sigstore bundle of a local file (e.g. <file>.sigstore.json)'))
    .addOption(new Option('--expect-digest <sha256:…>', "with a reference: refuse unless the file's sha256 is this"));
  addPolicyOptions(cmd);
  addTrustOptions(cmd);
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  return addOutputOptions(cmd);
}
