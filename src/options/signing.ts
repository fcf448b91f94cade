/**
 * Signing: keyless (where the OIDC identity token comes from) or with a key (--key, its password,
 * whether the signature goes to the transparency log), and which Sigstore instance signs.
 */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { usageError } from '../core/errors.js';

export const signingOptionsSchema = z.object({
  identityTokenStdin: z.boolean().default(false),
  signingConfig: z.string().min(1).optional(),
  allowPublicLog: z.boolean().default(false),
  key: z.string().min(1).optional(),
  keyPasswordStdin: z.boolean().default(false),
  /** undefined: not given (on, with --key). */
  tlogUpload: z.boolean().optional(),
});
export type SigningOptions = z.infer<typeof signingOptionsSchema>;

export function addSigningOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--identity-token-stdin',
        "read the OIDC identity token from stdin (default: $SIGSTORE_ID_TOKEN, e.g. GitLab CI's; in GitHub Actions, the job's own token)",
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
    )
    .addOption(
      new Option(
        '--key <file>',
        "sign with cosign's encrypted private key (cosign.key, read where it lies) instead of keyless",
      ),
    )
    .addOption(
      new Option(
        '--key-password-stdin',
        "read the --key password from stdin (else $COSIGN_PASSWORD, read by ghcr-blob, else empty); it reaches cosign only on cosign's stdin",
      ),
    )
    .addOption(new Option('--tlog-upload', 'with --key: record the signature in the transparency log (the default)'))
    .addOption(
      new Option(
        '--no-tlog-upload',
        'with --key: do not record it (private use; verify then needs --no-tlog-upload too)',
      ),
    );
}

/** What only makes sense with --key, and what makes no sense with it, settled before any IO. */
export function checkKeyOptions(opts: SigningOptions): void {
  if (opts.key === undefined) {
    const given = [
      opts.keyPasswordStdin && '--key-password-stdin',
      opts.tlogUpload !== undefined && (opts.tlogUpload ? '--tlog-upload' : '--no-tlog-upload'),
    ].filter(Boolean);
    if (given.length > 0) throw usageError(`${given.join(' and ')} only apply with --key`);
    return;
  }
  if (opts.identityTokenStdin)
    throw usageError('--key and --identity-token-stdin conflict', 'a key signature needs no identity token');
  if (opts.allowPublicLog)
    throw usageError('--allow-public-log is about keyless certificates', 'with --key, choose --no-tlog-upload or not');
}

/** stdin can carry one secret: the registry token, the identity token or the key password. */
export function refuseStdinTwice(opts: {
  passwordStdin?: boolean;
  identityTokenStdin?: boolean;
  keyPasswordStdin?: boolean;
}): void {
  const wanting = [
    opts.passwordStdin && '--password-stdin',
    opts.identityTokenStdin && '--identity-token-stdin',
    opts.keyPasswordStdin && '--key-password-stdin',
  ].filter(Boolean);
  if (wanting.length > 1) {
    throw usageError(
      `${wanting.join(' and ')} both want stdin`,
      opts.passwordStdin
        ? 'pass the registry token in GHCR_TOKEN instead (then GITHUB_TOKEN, then your docker credentials)'
        : 'pass one of them another way',
    );
  }
}
