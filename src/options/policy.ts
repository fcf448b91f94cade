/**
 * Who must have signed: an identity (exact, anchored RE2 regexp, --github-workflow or
 * --gitlab-pipeline) and an OIDC issuer, or a key; or a policy file (--policy, GHCR_BLOB_POLICY)
 * naming several such signers. Required for every verification; turned into VerificationPolicies by
 * commands/prepare.ts (see verify/policy.ts), before any IO.
 */
import { Option, type Command } from 'commander';
import * as z from 'zod';
import { usageError } from '../core/errors.js';
import { trustOptionsSchema } from './trust.js';

export const ENGINES = ['both', 'sigstore'] as const;
export type Engine = (typeof ENGINES)[number];
const DEFAULT_ENGINE: Engine = 'both';
/** What `gh attestation verify` expects by default, and actions/attest-build-provenance writes. */
export const DEFAULT_PREDICATE_TYPE = 'https://slsa.dev/provenance/v1';
/** The environment variable naming a policy file, used when the command line names no signer. */
export const POLICY_ENV = 'GHCR_BLOB_POLICY';

export const policyOptionsSchema = trustOptionsSchema.extend({
  certificateIdentity: z.string().optional(),
  certificateIdentityRegexp: z.string().optional(),
  githubWorkflow: z.string().optional(),
  gitlabPipeline: z.string().optional(),
  gitlabHost: z.string().optional(),
  certificateOidcIssuer: z.string().optional(),
  certificateOidcIssuerRegexp: z.string().optional(),
  sourceRepository: z.string().optional(),
  sourceRef: z.string().optional(),
  sourceRefRegexp: z.string().optional(),
  sourceDigest: z.string().optional(),
  denySelfHostedRunners: z.boolean().optional(),
  key: z.string().min(1).optional(),
  tlogUpload: z.boolean().optional(),
  predicateType: z.url({ error: '--predicate-type must be a URI, e.g. https://slsa.dev/provenance/v1' }).optional(),
  engine: z.enum(ENGINES).default(DEFAULT_ENGINE),
  policy: z.string().min(1).optional(),
});
export type PolicyOptions = z.infer<typeof policyOptionsSchema>;

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--certificate-identity <uri>', "the signer's exact certificate identity (SAN)"))
    .addOption(new Option('--certificate-identity-regexp <re2>', 'identity as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--github-workflow <spec>',
        'the GitHub workflow that must have signed: OWNER/REPO/.github/workflows/FILE@REF, pinned to a ref (e.g. …/release.yml@refs/tags/v1.2.0); implies the GitHub Actions issuer. Without @REF any ref or commit sha is accepted (a warning says so)',
      ),
    )
    .addOption(
      new Option(
        '--gitlab-pipeline <spec>',
        'the GitLab CI config that must have signed: GROUP/…/PROJECT//PATH@REF (note the //; e.g. o/p//.gitlab-ci.yml@refs/tags/v1); implies the issuer https://gitlab.com (or the --gitlab-host instance)',
      ),
    )
    .addOption(
      new Option(
        '--gitlab-host <host>',
        'the self-managed GitLab instance of --gitlab-pipeline (host or https:// URL; it is also the issuer)',
      ),
    )
    .addOption(new Option('--certificate-oidc-issuer <url>', 'the exact OIDC issuer'))
    .addOption(new Option('--certificate-oidc-issuer-regexp <re2>', 'issuer as an RE2 regexp; must be anchored ^…$'))
    .addOption(
      new Option(
        '--source-repository <repo>',
        'the repository the run was for (certificate extension 1.3.6.1.4.1.57264.1.12, exact): OWNER/REPO for https://github.com/OWNER/REPO, or a full URL on any host (nested groups too: https://gitlab.com/G/S/P); with a reusable workflow, the caller',
      ),
    )
    .addOption(
      new Option('--source-ref <ref>', 'the git ref the run was for, exact (extension …1.14), e.g. refs/tags/v1.2.0'),
    )
    .addOption(
      new Option(
        '--source-ref-regexp <re2>',
        "the git ref as an anchored RE2 regexp, e.g. '^refs/tags/v.*$' (tags only)",
      ),
    )
    .addOption(new Option('--source-digest <sha>', 'the commit the run was for, exact (extension …1.13)'))
    .addOption(
      new Option(
        '--deny-self-hosted-runners',
        "refuse runs on self-hosted runners (extension …1.11 must be the provider's hosted value: github-hosted, gitlab-hosted)",
      ),
    )
    .addOption(
      new Option(
        '--key <pub.pem>',
        'instead of an identity: the bundle must be signed with this public key (cosign.pub); a keyless certificate is refused',
      ),
    )
    .addOption(new Option('--tlog-upload', 'with --key: a verified transparency log entry is required (the default)'))
    .addOption(
      new Option(
        '--no-tlog-upload',
        'with --key: the signature was made with --no-tlog-upload, so the bundle must have no log entry',
      ),
    )
    .addOption(
      new Option(
        '--predicate-type <uri>',
        `an attestation's statement must have this predicate type (default ${DEFAULT_PREDICATE_TYPE}); signatures have none and still count`,
      ),
    )
    .addOption(
      new Option(
        '--policy <file>',
        `the accepted signers from a JSON or YAML file, in place of the flags above (default: $${POLICY_ENV})`,
      ),
    )
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
  ['gitlabPipeline', '--gitlab-pipeline'],
  ['gitlabHost', '--gitlab-host'],
  ['certificateOidcIssuer', '--certificate-oidc-issuer'],
  ['certificateOidcIssuerRegexp', '--certificate-oidc-issuer-regexp'],
  ['sourceRepository', '--source-repository'],
  ['sourceRef', '--source-ref'],
  ['sourceRefRegexp', '--source-ref-regexp'],
  ['sourceDigest', '--source-digest'],
  ['denySelfHostedRunners', '--deny-self-hosted-runners'],
  ['key', '--key'],
  ['tlogUpload', '--tlog-upload'],
  ['predicateType', '--predicate-type'],
  ['trustedRoot', '--trusted-root'],
  ['tufCache', '--tuf-cache'],
  ['engine', '--engine'],
  ['policy', '--policy'],
];

/**
 * The flags that say who signed: one signer. A policy file's signers are spelled with the same
 * names; --trusted-root and --engine say how to verify, not who, and apply to every signer.
 */
export const SIGNER_FLAGS = POLICY_FLAGS.filter(([key]) => !['trustedRoot', 'engine', 'policy'].includes(key));

/** The signer flags given on the command line, e.g. `['--github-workflow']`. */
export const signerFlagsGiven = (opts: Partial<PolicyOptions>): string[] =>
  SIGNER_FLAGS.filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);

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

const IDENTITY_POLICY_FLAGS = POLICY_FLAGS.slice(
  0,
  POLICY_FLAGS.findIndex(([key]) => key === 'key'),
);

/** A key policy and an identity policy are distinct: --key takes no identity, issuer or claim flag. */
export function refuseMixedPolicy(opts: Partial<PolicyOptions>): void {
  if (opts.key === undefined) {
    if (opts.tlogUpload !== undefined) throw usageError('--tlog-upload/--no-tlog-upload only apply with --key');
    return;
  }
  const given = IDENTITY_POLICY_FLAGS.filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0)
    throw usageError(
      `--key and ${given.join(', ')} conflict: a key policy names no identity`,
      'verify a key signature with --key alone, a keyless one with an identity and issuer',
    );
}
