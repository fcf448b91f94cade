/** sign: a local file (--bundle, --force) or a reference; and the option modules it embeds. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { addCommonOptions, commonOptionsSchema } from './common.js';
import { addSigningOptions, signingOptionsSchema } from './signing.js';
import { addTrustOptions, trustOptionsSchema } from './trust.js';

export const signOptionsSchema = commonOptionsSchema
  .extend(signingOptionsSchema.shape)
  .extend(trustOptionsSchema.shape)
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
  return addCommonOptions(cmd);
}
