/** `trust fetch`: where the trusted root goes, and which TUF repository vouches for it. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { addOutputOptions, outputOptionsSchema } from './output.js';

export const trustFetchOptionsSchema = z
  .object({
    output: z.string().min(1, '-o/--output names the file to write, e.g. trusted_root.json'),
    tufMirror: z
      .url({ protocol: /^https?$/, error: '--tuf-mirror must be an http(s) URL, e.g. https://tuf-repo.github.com' })
      .optional(),
    tufRoot: z.string().min(1).optional(),
    tufCache: z.string().min(1).optional(),
  })
  .extend(outputOptionsSchema.shape);
export type TrustFetchOptions = z.infer<typeof trustFetchOptionsSchema>;

export function addTrustFetchOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('-o, --output <file>', 'where to write the TrustedRoot JSON (replaced in one step)'))
    .addOption(new Option('--tuf-mirror <url>', 'the TUF repository (default: Sigstore public-good)'))
    .addOption(new Option('--tuf-root <file>', "the repository's initial root.json (needed for any but public-good)"))
    .addOption(new Option('--tuf-cache <dir>', 'where TUF metadata is cached (env GHCR_BLOB_TUF_CACHE)'));
  return addOutputOptions(cmd);
}
