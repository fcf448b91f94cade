/** --trusted-root: the Sigstore instance to trust, for signing (cosign) and verifying alike. */
import { type Command, Option } from 'commander';
import * as z from 'zod';

export const trustOptionsSchema = z.object({ trustedRoot: z.string().min(1).optional() });
export type TrustOptions = z.infer<typeof trustOptionsSchema>;

export function addTrustOptions(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--trusted-root <file>',
      'Sigstore TrustedRoot JSON, for a private or offline Sigstore (default: public-good, via TUF)',
    ),
  );
}
