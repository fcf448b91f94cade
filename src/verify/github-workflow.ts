import { usageError } from '../core/errors.js';
import { quoteMeta } from './anchored-regexp.js';
import { exactMatcher, regexpMatcher, type StringMatcher } from './string-matcher.js';

/** The OIDC issuer of GitHub Actions tokens; `--github-workflow` implies it. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GitHubWorkflow {
  owner: string;
  repo: string;
  file: string;
  /** `refs/heads/main`, `refs/tags/v1.2.0`, or a commit sha; undefined means any `refs/…` or commit sha. */
  ref?: string;
}

const FORMAT = 'OWNER/REPO/.github/workflows/FILE[@REF]';
const EXAMPLE = 'octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';

// GitHub's own rules: owner = letters, digits, single inner hyphens, at most 39 characters.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
// Workflows live directly in .github/workflows and end in .yml or .yaml.
const FILE = /^[A-Za-z0-9._-]+\.ya?ml$/;
// Fulcio takes the SAN from job_workflow_ref, which carries the full ref name (or a sha).
const REF = /^(?:refs\/[^\s~^:?*[\\\x00-\x1f\x7f]+|[0-9a-f]{40})$/;

/** `OWNER/REPO` as GitHub allows it (for --source-repository). */
export function parseRepository(flag: string, spec: string): { owner: string; repo: string } {
  const [owner = '', repo = '', ...rest] = spec.split('/');
  if (rest.length > 0 || !OWNER.test(owner) || !REPO.test(repo) || repo === '.' || repo === '..') {
    throw usageError(`${flag} ${JSON.stringify(spec)} is not OWNER/REPO`, `e.g. ${flag} octo/tools`);
  }
  return { owner, repo };
}

export function parseGitHubWorkflow(spec: string): GitHubWorkflow {
  const at = spec.indexOf('@');
  const path = at === -1 ? spec : spec.slice(0, at);
  const ref = at === -1 ? undefined : spec.slice(at + 1);
  const parts = path.split('/');
  const [owner = '', repo = '', dotGithub, workflows, file = ''] = parts;
  if (parts.length !== 5 || dotGithub !== '.github' || workflows !== 'workflows') {
    throw bad(spec, `expected ${FORMAT}`);
  }
  if (!OWNER.test(owner)) throw bad(spec, `${JSON.stringify(owner)} is not a GitHub owner name`);
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    throw bad(spec, `${JSON.stringify(repo)} is not a GitHub repository name`);
  }
  if (!FILE.test(file)) throw bad(spec, `${JSON.stringify(file)} is not a workflow file name (*.yml or *.yaml)`);
  if (ref !== undefined && (!REF.test(ref) || ref.includes('..'))) {
    throw bad(spec, `${JSON.stringify(ref)} is not a full git ref such as refs/heads/main or refs/tags/v1.2.0`);
  }
  return ref === undefined ? { owner, repo, file } : { owner, repo, file, ref };
}

/** The certificate SAN a workflow run gets from Fulcio, as a matcher for the identity flag. */
export function githubWorkflowIdentity(spec: string): StringMatcher {
  const wf = parseGitHubWorkflow(spec);
  const base = `https://github.com/${wf.owner}/${wf.repo}/.github/workflows/${wf.file}`;
  if (wf.ref !== undefined) return exactMatcher('--certificate-identity', `${base}@${wf.ref}`);
  // Any ref of this one file: escaped so `.` in names is literal, anchored so `release.yml.evil`
  // and `tools-evil` stay out. A reusable workflow called at a commit (`uses: …/attest.yml@<sha>`)
  // runs at that sha, and Fulcio writes it as the SAN's ref: 40 lower-case hex digits, no more.
  return regexpMatcher('--certificate-identity', `^${quoteMeta(base)}@(?:refs/.+|[0-9a-f]{40})$`);
}

const bad = (spec: string, why: string) =>
  usageError(`--github-workflow ${JSON.stringify(spec)}: ${why}`, `Use ${FORMAT}, e.g. ${EXAMPLE}`);
