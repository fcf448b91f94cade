import { GITHUB_ACTIONS_ISSUER } from '../../../../src/verify/github-workflow.js';

export interface RunShape {
  repo?: string;
  file?: string;
  ref?: string;
  issuer?: string;
}

/** The SAN Fulcio gives a GitHub Actions run: https://github.com/ + job_workflow_ref. */
export const workflowSan = ({ repo = 'octo/tools', file = 'release.yml', ref = 'refs/tags/v1.2.0' }: RunShape = {}) =>
  `https://github.com/${repo}/.github/workflows/${file}@${ref}`;

/**
 * OIDC claims shaped like a GitHub Actions token. The mock Fulcio takes the SAN from `san`
 * and turns the others into the 1.3.6.1.4.1.57264.1.* extensions, as real Fulcio does.
 */
export function githubClaims(run: RunShape = {}): Record<string, unknown> {
  const { repo = 'octo/tools', file = 'release.yml', ref = 'refs/tags/v1.2.0', issuer = GITHUB_ACTIONS_ISSUER } = run;
  return {
    san: workflowSan({ repo, file, ref }),
    iss: issuer,
    repository: repo,
    ref,
    sha: 'a'.repeat(40),
    job_workflow_ref: `${repo}/.github/workflows/${file}@${ref}`,
    job_workflow_sha: 'b'.repeat(40),
    workflow_ref: `${repo}/.github/workflows/${file}@${ref}`,
    event_name: 'push',
    runner_environment: 'github-hosted',
    run_id: '4242',
    run_attempt: '1',
  };
}
