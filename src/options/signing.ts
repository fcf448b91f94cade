/** Signing: where the OIDC identity token comes from, and which Sigstore instance signs. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { usageError } from '../core/errors.js';

export const signingOptionsSchema = z.object({
  identityTokenStdin: z.boolean().default(false),
  signingConfig: z.string().min(1).optional(),
  allowPublicLog: z.boolean().default(false),
});
export type SigningOptions = z.infer<typeof signingOptionsSchema>;

export function addSigningOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--identity-token-stdin',
        "read the OIDC identity token from stdin (default in GitHub Actions: the job's own token)",
      ),
    )
    .addOption(
      new Option(
        '--signing-config <file>',
        'Sigstore SigningConfig JSON: which Fulcio, Rekor and TSA to use (default: public-good)',
      ),
    )
    .addOption(
      new Option(
        '--allow-public-log',
        "sign to the public Rekor log even from a private or internal repository (publishes the repository's name)",
      ),
    );
}

/** stdin can carry one secret: the registry token or the identity token, not both. */
export function refuseStdinTwice(opts: { passwordStdin?: boolean; identityTokenStdin?: boolean }): void {
  if (opts.passwordStdin && opts.identityTokenStdin) {
    throw usageError(
      '--password-stdin and --identity-token-stdin both want stdin',
      'pass the registry token in GHCR_TOKEN instead',
    );
  }
}
