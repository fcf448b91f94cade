/** sign: a local file (--bundle, --force) or a reference; and the option modules it embeds. */
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { addAuthOptions, authOptionsSchema } from './auth.js';
import { addOutputOptions, outputOptionsSchema } from './output.js';
import { addRemoteOptions, remoteOptionsSchema } from './remote.js';
import { addSigningOptions, signingOptionsSchema } from './signing.js';
import { addToolOptions, toolOptionsSchema } from './tools.js';
import { addTrustOptions, trustOptionsSchema } from './trust.js';

export const signOptionsSchema = signingOptionsSchema
  .extend(trustOptionsSchema.shape)
  .extend(toolOptionsSchema.shape)
  .extend(authOptionsSchema.shape)
  .extend(remoteOptionsSchema.shape)
  .extend(outputOptionsSchema.shape)
  .extend({
    bundle: z.string().min(1).optional(),
    force: z.boolean().default(false),
  });
export type SignOptions = z.infer<typeof signOptionsSchema>;

export function addSignOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--bundle <path>', 'for a file: where to write the bundle (default: <file>.sigstore.json)'))
    .addOption(new Option('--force', 'for a file: replace an existing bundle'));
  addSigningOptions(cmd);
  addTrustOptions(cmd);
  addAuthOptions(cmd);
  addRemoteOptions(cmd);
  addToolOptions(cmd, ['oras', 'cosign']);
  return addOutputOptions(cmd);
}
