/**
 * --trusted-root: the Sigstore instance to trust, for signing (cosign) and verifying alike.
 * --tuf-cache: where the public-good trust is cached when no --trusted-root is given (core/tuf-cache.ts).
 */
import { type Command, Option } from 'commander';
import * as z from 'zod';

export const trustOptionsSchema = z.object({
  trustedRoot: z.string().min(1).optional(),
  tufCache: z.string().min(1).optional(),
});
export type TrustOptions = z.infer<typeof trustOptionsSchema>;

export function addTrustOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--trusted-root <file>',
        'Sigstore TrustedRoot JSON, for a private or offline Sigstore (default: public-good, via TUF)',
      ),
    )
    .addOption(
      new Option(
        '--tuf-cache <dir>',
        'where the TUF metadata of public-good is cached (env GHCR_BLOB_TUF_CACHE; default: each client its own, under HOME)',
      ),
    );
}
