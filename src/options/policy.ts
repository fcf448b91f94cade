/**
 * Who must have signed: an identity (exact, anchored RE2 regexp, or --github-workflow) and an
 * OIDC issuer. Required for every verification; checked before any IO (see verify/policy.ts).
 */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { IdentityPolicy } from '../verify/policy.js';

export const ENGINES = ['both', 'sigstore'] as const;
export type Engine = (typeof ENGINES)[number];

export const policyOptionsSchema = z.object({
  certificateIdentity: z.string().optional(),
  certificateIdentityRegexp: z.string().optional(),
  githubWorkflow: z.string().optional(),
  certificateOidcIssuer: z.string().optional(),
  certificateOidcIssuerRegexp: z.string().optional(),
  trustedRoot: z.string().min(1).optional(),
  engine: z.enum(ENGINES).default('both'),
});
export type PolicyOptions = z.infer<typeof policyOptionsSchema>;

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--certificate-identity <uri>', "the signer's exact certificate identity (SAN)"))
    .addOption(new Option('--certificate-identity-regexp <re2>', 'identity as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--github-workflow <owner/repo/.github/workflows/file[@ref]>',
        'the GitHub workflow that must have signed (implies the GitHub Actions issuer)',
      ),
    )
    .addOption(new Option('--certificate-oidc-issuer <url>', 'the exact OIDC issuer'))
    .addOption(new Option('--certificate-oidc-issuer-regexp <re2>', 'issuer as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--trusted-root <file>',
        'Sigstore TrustedRoot JSON, for a private or offline Sigstore (default: public-good, via TUF)',
      ),
    )
    .addOption(
      new Option('--engine <engine>', 'both: cosign and the in-process verifier must accept; sigstore: in-process only')
        .choices(ENGINES)
        .default('both'),
    );
}

/** Loaded on demand: the RE2 engine is only needed when something is verified. */
export async function policyFrom(opts: PolicyOptions): Promise<IdentityPolicy> {
  const { buildIdentityPolicy } = await import('../verify/policy.js');
  return buildIdentityPolicy(opts);
}
