import { usageError } from '../core/errors.js';
import { GITHUB_ACTIONS_ISSUER, githubWorkflowIdentity } from './github-workflow.js';
import { exactMatcher, regexpMatcher, type StringMatcher } from './string-matcher.js';

/** The identity flags, as the CLI parsed them (undefined = flag not given). */
export interface IdentityPolicyOptions {
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  githubWorkflow?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
}

export type PolicyCheck = 'identity' | 'issuer';

export interface PolicyMismatch {
  check: PolicyCheck;
  /** How the policy describes what it wanted. */
  expected: string;
  actual: string | undefined;
}

export type PolicyResult = { ok: true } | { ok: false; mismatches: PolicyMismatch[] };

/** Who must have signed: the certificate's SAN and its OIDC issuer. */
export interface IdentityPolicy {
  readonly identity: StringMatcher;
  readonly issuer: StringMatcher;
  matches(san: string | undefined, issuer: string | undefined): PolicyResult;
  /** One line for messages: `identity "X", issuer "Y"`. */
  describe(): string;
  /** The same policy as cosign verify-blob flags. */
  cosignFlags(): string[];
}

const IDENTITY_FLAGS = '--certificate-identity, --certificate-identity-regexp or --github-workflow';

/** Validates the flags before any IO; throws GhcrBlobError('USAGE') with the reason. */
export function buildIdentityPolicy(opts: IdentityPolicyOptions): IdentityPolicy {
  const identity = identityMatcher(opts);
  const issuer = issuerMatcher(opts);
  return {
    identity,
    issuer,
    matches(san, actualIssuer) {
      const mismatches: PolicyMismatch[] = [];
      if (!identity.test(san)) mismatches.push({ check: 'identity', expected: identity.describe(), actual: san });
      if (!issuer.test(actualIssuer)) {
        mismatches.push({ check: 'issuer', expected: issuer.describe(), actual: actualIssuer });
      }
      return mismatches.length === 0 ? { ok: true } : { ok: false, mismatches };
    },
    describe: () => `identity ${identity.describe()}, issuer ${issuer.describe()}`,
    cosignFlags: () => [...identity.cosignFlags(), ...issuer.cosignFlags()],
  };
}

function identityMatcher(opts: IdentityPolicyOptions): StringMatcher {
  const given = present({
    '--certificate-identity': opts.certificateIdentity,
    '--certificate-identity-regexp': opts.certificateIdentityRegexp,
    '--github-workflow': opts.githubWorkflow,
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
  return githubWorkflowIdentity(opts.githubWorkflow as string);
}

function issuerMatcher(opts: IdentityPolicyOptions): StringMatcher {
  const given = present({
    '--certificate-oidc-issuer': opts.certificateOidcIssuer,
    '--certificate-oidc-issuer-regexp': opts.certificateOidcIssuerRegexp,
  });
  if (given.length > 1) throw usageError(`${given.join(' and ')} conflict: pass at most one`);
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
