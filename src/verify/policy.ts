import { usageError } from '../core/errors.js';
import type { FulcioClaims } from './certificate-claims.js';
import type { KeyPolicy } from './key-policy.js';
import {
  GITHUB_ACTIONS_ISSUER,
  githubWorkflowIdentity,
  parseGitHubWorkflow,
  parseRepository,
} from './github-workflow.js';
import { gitlabPipelineIdentity, parseGitLabPipeline } from './gitlab-pipeline.js';
import { exactMatcher, oneOfMatcher, regexpMatcher, type StringMatcher } from './string-matcher.js';

/** The identity flags, as the CLI parsed them (undefined = flag not given). */
export interface IdentityPolicyOptions {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  githubWorkflow?: string;
  /** GROUP/…/PROJECT//PATH@REF (or the full https:// URL): the GitLab CI config that signed. */
  gitlabPipeline?: string;
  /** The GitLab instance of --gitlab-pipeline (default gitlab.com). */
  gitlabHost?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  /** OWNER/REPO (GitHub) or a full URL: Fulcio extension 1.3.6.1.4.1.57264.1.12, exactly. */
  sourceRepository?: string;
  /** Extension .14, exactly (e.g. refs/tags/v1.2.0). */
  sourceRef?: string;
  /** Extension .14, an anchored RE2 pattern (e.g. ^refs/tags/v.*$). */
  sourceRefRegexp?: string;
  /** Extension .13: the commit the run was for. */
  sourceDigest?: string;
  /** Extension .11 must be the provider's hosted value (`github-hosted`, `gitlab-hosted`). */
  denySelfHostedRunners?: boolean;
}

export type PolicyCheck =
  | 'identity'
  | 'issuer'
  | 'source repository'
  | 'source ref'
  | 'source digest'
  | 'runner environment';

export interface PolicyMismatch {
  check: PolicyCheck;
  /** How the policy describes what it wanted. */
  expected: string;
  actual: string | undefined;
}

/** Who must have signed: an identity (keyless certificate) or a key. Never both, never either. */
export type VerificationPolicy = IdentityPolicy | KeyPolicy;

/**
 * One alternative of who may have signed: the flags make one, a policy file (--policy,
 * GHCR_BLOB_POLICY) one per entry of its signer list. Any one of them may sign; each is checked
 * whole, by both verifiers, never mixed with another.
 */
export interface AcceptedSigner {
  readonly policy: VerificationPolicy;
  /** An attestation's statement must have this predicate type (signatures have none). */
  readonly predicateType: string;
  /** Where it was named: a policy file and the entry's path in it (`signers[1]`); absent for the flags. */
  readonly from?: { readonly file: string; readonly at: string; readonly repositories?: string };
}

export type PolicyResult = { ok: true } | { ok: false; mismatches: PolicyMismatch[] };

/**
 * Who must have signed: the certificate's SAN and its OIDC issuer, plus, when asked, the CI
 * run's repository, ref, commit and runner read from Fulcio's extensions. The extra claims add
 * to the identity; they never replace it.
 */
export interface IdentityPolicy {
  readonly kind: 'identity';
  readonly identity: StringMatcher;
  readonly issuer: StringMatcher;
  /** Extension checks beyond SAN + issuer (checked in-process; cosign is given SAN + issuer). */
  readonly claims: ReadonlyArray<ClaimCheck>;
  /** Things the user should know about this policy (printed on stderr), e.g. "any branch". */
  readonly warnings: readonly string[];
  matches(san: string | undefined, issuer: string | undefined, fulcio?: FulcioClaims): PolicyResult;
  /** One line for messages: `identity "X", issuer "Y"`. */
  describe(): string;
  /** The same policy as cosign verify-blob flags. */
  cosignFlags(): string[];
}

const IDENTITY_FLAGS = '--certificate-identity, --certificate-identity-regexp, --github-workflow or --gitlab-pipeline';

/** One Fulcio extension the policy pins. */
export interface ClaimCheck {
  check: PolicyCheck;
  claim: keyof FulcioClaims;
  matcher: StringMatcher;
}

/** Validates the flags before any IO; throws GhcrBlobError('USAGE') with the reason. */
export function buildIdentityPolicy(opts: IdentityPolicyOptions): IdentityPolicy {
  const identity = identityMatcher(opts);
  const issuer = issuerMatcher(opts);
  const claims = claimChecks(opts);
  const warnings = anyRefWarning(opts);
  const describeClaims = claims.map((c) => `, ${c.check} ${c.matcher.describe()}`).join('');
  return {
    kind: 'identity',
    identity,
    issuer,
    claims,
    warnings,
    matches(san, actualIssuer, fulcio = {}) {
      const mismatches: PolicyMismatch[] = [];
      if (!identity.test(san)) mismatches.push({ check: 'identity', expected: identity.describe(), actual: san });
      if (!issuer.test(actualIssuer)) {
        mismatches.push({ check: 'issuer', expected: issuer.describe(), actual: actualIssuer });
      }
      for (const c of claims) {
        const actual = fulcio[c.claim];
        if (!c.matcher.test(actual)) mismatches.push({ check: c.check, expected: c.matcher.describe(), actual });
      }
      return mismatches.length === 0 ? { ok: true } : { ok: false, mismatches };
    },
    describe: () => `identity ${identity.describe()}, issuer ${issuer.describe()}${describeClaims}`,
    cosignFlags: () => [...identity.cosignFlags(), ...issuer.cosignFlags()],
  };
}

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function claimChecks(opts: IdentityPolicyOptions): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  present({ '--source-repository': opts.sourceRepository, '--source-digest': opts.sourceDigest });
  if (opts.sourceRepository !== undefined) {
    checks.push({
      check: 'source repository',
      claim: 'sourceRepositoryUri',
      matcher: exactMatcher('--source-repository', sourceRepositoryUri(opts.sourceRepository)),
    });
  }
  const refFlags = present({ '--source-ref': opts.sourceRef, '--source-ref-regexp': opts.sourceRefRegexp });
  if (refFlags.length > 1) throw usageError(`${refFlags.join(' and ')} conflict: pass at most one`);
  if (opts.sourceRef !== undefined) {
    if (!opts.sourceRef.startsWith('refs/')) {
      throw usageError(
        `--source-ref ${JSON.stringify(opts.sourceRef)} is not a full git ref`,
        'Fulcio records the full ref, e.g. refs/tags/v1.2.0 or refs/heads/main',
      );
    }
    checks.push({
      check: 'source ref',
      claim: 'sourceRepositoryRef',
      matcher: exactMatcher('--source-ref', opts.sourceRef),
    });
  }
  if (opts.sourceRefRegexp !== undefined) {
    checks.push({
      check: 'source ref',
      claim: 'sourceRepositoryRef',
      matcher: regexpMatcher('--source-ref', opts.sourceRefRegexp),
    });
  }
  if (opts.sourceDigest !== undefined) {
    if (!COMMIT.test(opts.sourceDigest)) {
      throw usageError(
        `--source-digest ${JSON.stringify(opts.sourceDigest)} is not a full commit sha (40 lower-case hex digits)`,
      );
    }
    checks.push({
      check: 'source digest',
      claim: 'sourceRepositoryDigest',
      matcher: exactMatcher('--source-digest', opts.sourceDigest),
    });
  }
  if (opts.denySelfHostedRunners) {
    checks.push({ check: 'runner environment', claim: 'runnerEnvironment', matcher: hostedRunner(opts) });
  }
  return checks;
}

/** `OWNER/REPO` is GitHub's; a full https:// URL names a repository on any host (nested groups too). */
function sourceRepositoryUri(spec: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(spec)) {
    const { owner, repo } = parseRepository('--source-repository', spec);
    return `https://github.com/${owner}/${repo}`;
  }
  let url: URL | undefined;
  try {
    url = new URL(spec);
  } catch {
    url = undefined;
  }
  const segments = url?.pathname.split('/').slice(1) ?? [];
  if (
    url?.protocol !== 'https:' ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    segments.length < 2 ||
    segments.some((s) => s === '' || s === '.' || s === '..') ||
    `${url.origin}${url.pathname}` !== spec
  ) {
    throw usageError(
      `--source-repository ${JSON.stringify(spec)} is neither OWNER/REPO nor a repository URL`,
      'e.g. --source-repository octo/tools, or --source-repository https://gitlab.com/octo/group/tools (no trailing slash, host in lower case)',
    );
  }
  return spec;
}

/**
 * The runner environment Fulcio records for a provider's own runners. With --github-workflow or
 * --gitlab-pipeline the provider is known; otherwise either provider's hosted value is accepted
 * (and `self-hosted`, or anything else, is not).
 */
function hostedRunner(opts: IdentityPolicyOptions): StringMatcher {
  if (opts.githubWorkflow !== undefined || opts.certificateOidcIssuer === GITHUB_ACTIONS_ISSUER)
    return exactMatcher('--deny-self-hosted-runners', 'github-hosted');
  if (opts.gitlabPipeline !== undefined) return exactMatcher('--deny-self-hosted-runners', 'gitlab-hosted');
  return oneOfMatcher(['github-hosted', 'gitlab-hosted']);
}

/** `--github-workflow` without `@REF` accepts a run on any branch: say so, and how to pin it. */
function anyRefWarning(opts: IdentityPolicyOptions): string[] {
  if (opts.githubWorkflow === undefined || parseGitHubWorkflow(opts.githubWorkflow).ref !== undefined) return [];
  if (opts.sourceRef !== undefined || opts.sourceRefRegexp !== undefined) return [];
  return [
    `warning: --github-workflow ${opts.githubWorkflow} has no @REF, so a run of that file on ANY branch is accepted, ` +
      'including a branch where someone with push access edited the workflow. ' +
      `Pin it (${opts.githubWorkflow}@refs/tags/v1.2.0) or accept tags only (--source-ref-regexp '^refs/tags/.*$').`,
  ];
}

function identityMatcher(opts: IdentityPolicyOptions): StringMatcher {
  const given = present({
    '--certificate-identity': opts.certificateIdentity,
    '--certificate-identity-regexp': opts.certificateIdentityRegexp,
    '--github-workflow': opts.githubWorkflow,
    '--gitlab-pipeline': opts.gitlabPipeline,
  });
  if (given.length === 0) {
    throw usageError(
      `verifying needs the signer's identity: pass one of ${IDENTITY_FLAGS}`,
      'e.g. --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0',
    );
  }
  if (given.length > 1) throw usageError(`${given.join(' and ')} conflict: pass exactly one of ${IDENTITY_FLAGS}`);
  if (opts.certificateIdentity !== undefined) return exactMatcher('--certificate-identity', opts.certificateIdentity);
  if (opts.certificateIdentityRegexp !== undefined) {
    return regexpMatcher('--certificate-identity', opts.certificateIdentityRegexp);
  }
  if (opts.gitlabPipeline !== undefined) {
    return exactMatcher('--certificate-identity', gitlabIdentity(opts).san);
  }
  return githubWorkflowIdentity(opts.githubWorkflow as string);
}

function gitlabIdentity(opts: IdentityPolicyOptions): { san: string; issuer: string } {
  return gitlabPipelineIdentity(parseGitLabPipeline(opts.gitlabPipeline as string, opts.gitlabHost));
}

function issuerMatcher(opts: IdentityPolicyOptions): StringMatcher {
  const given = present({
    '--certificate-oidc-issuer': opts.certificateOidcIssuer,
    '--certificate-oidc-issuer-regexp': opts.certificateOidcIssuerRegexp,
  });
  if (given.length > 1) throw usageError(`${given.join(' and ')} conflict: pass at most one`);
  if (opts.githubWorkflow !== undefined && given.length > 0 && opts.certificateOidcIssuer !== GITHUB_ACTIONS_ISSUER) {
    throw usageError(
      `--github-workflow implies the issuer ${GITHUB_ACTIONS_ISSUER}; ${given[0]} asks for another`,
      '--github-workflow names a GitHub Actions workflow: drop the issuer flag, or use --certificate-identity for another issuer',
    );
  }
  if (opts.gitlabHost !== undefined && opts.gitlabPipeline === undefined)
    throw usageError('--gitlab-host only takes effect with --gitlab-pipeline');
  if (opts.gitlabPipeline !== undefined) {
    const { issuer } = gitlabIdentity(opts);
    if (given.length > 0 && opts.certificateOidcIssuer !== issuer) {
      throw usageError(
        `--gitlab-pipeline implies the issuer ${issuer}; ${given[0]} asks for another`,
        'a self-managed instance is its own issuer: pass --gitlab-host HOST instead of an issuer flag',
      );
    }
    return exactMatcher('--certificate-oidc-issuer', issuer);
  }
  if (opts.certificateOidcIssuer !== undefined) {
    return exactMatcher('--certificate-oidc-issuer', opts.certificateOidcIssuer);
  }
  if (opts.certificateOidcIssuerRegexp !== undefined) {
    return regexpMatcher('--certificate-oidc-issuer', opts.certificateOidcIssuerRegexp);
  }
  if (opts.githubWorkflow !== undefined) return exactMatcher('--certificate-oidc-issuer', GITHUB_ACTIONS_ISSUER);
  throw usageError(
    'verifying needs the OIDC issuer: pass --certificate-oidc-issuer or --certificate-oidc-issuer-regexp',
    `GitHub Actions signatures use --certificate-oidc-issuer ${GITHUB_ACTIONS_ISSUER}`,
  );
}

/** The flags that were given. Empty or space-padded values are refused: they can never match. */
function present(flags: Record<string, string | undefined>): string[] {
  const given = Object.entries(flags).filter(([, value]) => value !== undefined);
  for (const [flag, value = ''] of given) {
    if (value === '') throw usageError(`${flag} must not be empty`);
    if (value.trim() !== value) throw usageError(`${flag} ${JSON.stringify(value)} has leading or trailing spaces`);
  }
  return given.map(([flag]) => flag);
}
