/** pull: where the file lands, what it must be, --verify, and the option modules it embeds. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { expectDigestSchema } from '../core/reference.js';
import { addCommonOptions, commonOptionsSchema } from './common.js';
import { addNameBindingOptions, nameBindingOptionsSchema } from './name-binding.js';
import { addPolicyOptions, policyOptionsSchema } from './policy.js';
import { addTrustOptions } from './trust.js';

/** `-o -` / `--output-file -`: the file goes to stdout, once verified and checked. */
export const STDOUT = '-';

export const pullOptionsSchema = commonOptionsSchema
  .extend(policyOptionsSchema.shape)
  .extend(nameBindingOptionsSchema.shape)
  .extend({
    verify: z.boolean().default(false),
    // Not defaulted here: given or not decides whether it conflicts with --output-file (default `.`).
    output: z.string().min(1).optional(),
    outputFile: z.string().min(1).optional(),
    force: z.boolean().default(false),
    expectDigest: expectDigestSchema,
    name: z.string().min(1).optional(),
  });
export type PullOptions = z.infer<typeof pullOptionsSchema>;

export function addPullOptions(cmd: Command): Command {
  cmd
    .addOption(
      new Option('-o, --output <dir>', 'folder to write the file into (created if missing; default .); - for stdout'),
    )
    .addOption(new Option('--output-file <file>', 'the file to write, named by you (in place of -o and --name)'))
    .addOption(new Option('--force', 'replace an existing file of the same name'))
    .addOption(
      new Option(
        '--name <file>',
        "the file name to write, in place of the layer's title; needed for a Helm chart or Flux artifact (no title)",
      ),
    )
    .addOption(
      new Option('--expect-digest <sha256>', "refuse unless the file's sha256 (as sha256sum prints it) is this"),
    )
    .addOption(
      new Option('--verify', 'land the file only if an attached Sigstore signature passes the identity policy'),
    );
  addNameBindingOptions(cmd);
  addPolicyOptions(cmd);
  addTrustOptions(cmd);
  return addCommonOptions(cmd);
}
