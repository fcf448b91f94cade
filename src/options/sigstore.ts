/** --signing-config / --trusted-root for signing against a private or offline Sigstore. */
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import type { SigstoreServices } from '../signing/sign-file.js';

export const signingOptionsSchema = z.object({
  signingConfig: z.string().min(1).optional(),
  trustedRoot: z.string().min(1).optional(),
});
export type SigningOptions = z.infer<typeof signingOptionsSchema>;

export function addSigningOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--signing-config <file>',
        'Sigstore SigningConfig JSON: which Fulcio, Rekor and TSA to use (default: public-good)',
      ),
    )
    .addOption(new Option('--trusted-root <file>', 'Sigstore TrustedRoot JSON for that instance'));
}

export function signingServices(opts: SigningOptions): SigstoreServices {
  return {
    signingConfigPath: opts.signingConfig && resolve(opts.signingConfig),
    trustedRootPath: opts.trustedRoot && resolve(opts.trustedRoot),
  };
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
