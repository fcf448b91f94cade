/**
 * Turns the policy options into a ready check (policy, cosign, trust) before any download, and
 * refuses policy flags where nothing would be verified: a user who passes --github-workflow
 * must never believe a pull was verified when it was not.
 */
import { resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import type { Deps } from '../deps.js';
import type { ReferrerCheck } from '../signing/verify-referrers.js';
import { policyFrom, type PolicyOptions } from './policy.js';
import { findCosign, type ToolOptions } from './tools.js';

const POLICY_FLAGS: ReadonlyArray<[keyof PolicyOptions, string]> = [
  ['certificateIdentity', '--certificate-identity'],
  ['certificateIdentityRegexp', '--certificate-identity-regexp'],
  ['githubWorkflow', '--github-workflow'],
  ['certificateOidcIssuer', '--certificate-oidc-issuer'],
  ['certificateOidcIssuerRegexp', '--certificate-oidc-issuer-regexp'],
  ['trustedRoot', '--trusted-root'],
];

export function refuseUnusedPolicy(opts: Partial<PolicyOptions>, needed: string): void {
  const given = POLICY_FLAGS.filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0)
    throw usageError(
      `${given.join(', ')} only take effect with ${needed}`,
      `add ${needed}, or drop ${given.join(', ')}`,
    );
}

export async function prepareReferrerCheck(opts: PolicyOptions & ToolOptions, deps: Deps): Promise<ReferrerCheck> {
  const policy = await policyFrom(opts);
  const cosign = opts.engine === 'sigstore' ? undefined : await findCosign(opts, deps);
  if (!cosign) deps.log.info('Using the in-process verifier only (--engine sigstore); cosign is not consulted');
  const trustedRootPath = opts.trustedRoot && resolve(opts.trustedRoot);
  const { loadTrustedRoot } = await import('../verify/trusted-root.js');
  return { policy, cosign, trustedRoot: await loadTrustedRoot(trustedRootPath), trustedRootPath, engine: opts.engine };
}
