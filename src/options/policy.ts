/**
 * Who must have signed: an identity (exact, anchored RE2 regexp, or --github-workflow) and an
 * OIDC issuer. Required for every verification; turned into an IdentityPolicy by commands/prepare.ts
 * (see verify/policy.ts), before any IO.
 */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { trustOptionsSchema } from './trust.js';

export const ENGINES = ['both', 'sigstore'] as const;
export type Engine = (typeof ENGINES)[number];
const DEFAULT_ENGINE: Engine = 'both';

export const policyOptionsSchema = trustOptionsSchema.extend({
  certificateIdentity: z.string().optional(),
  certificateIdentityRegexp: z.string().optional(),
  githubWorkflow: z.string().optional(),
  certificateOidcIssuer: z.string().optional(),
  certificateOidcIssuerRegexp: z.string().optional(),
  engine: z.enum(ENGINES).default(DEFAULT_ENGINE),
});
export type PolicyOptions = z.infer<typeof policyOptionsSchema>;

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--certificate-identity <uri>', "the signer's exact certificate identity (SAN)"))
    .addOption(new Option('--certificate-identity-regexp <re2>', 'identity as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--github-workflow <spec>',
        'the GitHub workflow that must have signed: OWNER/REPO/.github/workflows/FILE, optionally @REF (implies the GitHub Actions issuer)',
      ),
    )
    .addOption(new Option('--certificate-oidc-issuer <url>', 'the exact OIDC issuer'))
    .addOption(new Option('--certificate-oidc-issuer-regexp <re2>', 'issuer as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--engine <engine>',
        `both: cosign and the in-process verifier must accept; sigstore: in-process only (default: ${DEFAULT_ENGINE})`,
      ).choices(ENGINES),
    );
}

const POLICY_FLAGS: ReadonlyArray<[keyof PolicyOptions, string]> = [
  ['certificateIdentity', '--certificate-identity'],
  ['certificateIdentityRegexp', '--certificate-identity-regexp'],
  ['githubWorkflow', '--github-workflow'],
  ['certificateOidcIssuer', '--certificate-oidc-issuer'],
  ['certificateOidcIssuerRegexp', '--certificate-oidc-issuer-regexp'],
  ['trustedRoot', '--trusted-root'],
  ['engine', '--engine'],
];

/**
 * Policy flags where nothing would be verified are refused: a user who passes
 * --github-workflow must never believe a pull was verified when it was not. Give it the options
 * as commander parsed them: the --engine default is zod's alone, so a given --engine shows.
 */
export function refuseUnusedPolicy(opts: Partial<PolicyOptions>, needed: string): void {
  const given = POLICY_FLAGS.filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) {
    throw usageError(
      `${given.join(', ')} only take effect with ${needed}`,
      `add ${needed}, or drop ${given.join(', ')}`,
    );
  }
}
