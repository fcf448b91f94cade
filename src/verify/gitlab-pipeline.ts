/**
 * GitLab CI keyless identities. Fulcio makes the SAN of a GitLab job `https://` + the token's
 * `ci_config_ref_uri`: `https://gitlab.com/GROUP/…/PROJECT//PATH@REF` (the double slash separates
 * the project from the CI config file), with issuer `https://gitlab.com`. A self-managed instance
 * is its own issuer: `https://HOST`, and its host starts the SAN.
 */
import { usageError } from '../core/errors.js';

export const GITLAB_COM = 'gitlab.com';

export interface GitLabPipeline {
  /** host[:port], lower case, e.g. gitlab.com */
  host: string;
  /** GROUP/…/PROJECT */
  project: string;
  /** The CI config file inside the project, e.g. .gitlab-ci.yml or ci/release.yml */
  path: string;
  /** refs/heads/main, refs/tags/v1.2.0 */
  ref: string;
}

const FORMAT = 'GROUP/…/PROJECT//PATH@REF';
const EXAMPLE = 'octo/tools//.gitlab-ci.yml@refs/tags/v1.2.0';
// GitLab's path rules: letters, digits, `_`, `-`, `.`; not starting with `-` or `.`.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const CONFIG_SEGMENT = /^[A-Za-z0-9_.-]{1,255}$/;
// Fulcio records the full ref name, as GitLab puts it in ci_config_ref_uri.
const REF = /^refs\/(?:heads|tags)\/[^\s~^:?*[\\\x00-\x1f\x7f@]+$/;

/** `--gitlab-host`: `gitlab.example.com`, `gitlab.example.com:8443` or `https://gitlab.example.com`. */
export function parseGitLabHost(spec: string): string {
  const bad = () =>
    usageError(
      `--gitlab-host ${JSON.stringify(spec)} is not a GitLab instance`,
      'give its host (gitlab.example.com) or its URL (https://gitlab.example.com), no path',
    );
  let url: URL;
  try {
    url = new URL(spec.includes('://') ? spec : `https://${spec}`);
  } catch {
    throw bad();
  }
  // Why exact: the issuer is the instance URL itself; a path, credentials or query would make another one.
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) throw bad();
  if (url.pathname !== '/' || spec.endsWith('/') || !url.hostname.includes('.')) throw bad();
  return url.host;
}

export function parseGitLabPipeline(spec: string, hostSpec?: string): GitLabPipeline {
  let rest = spec;
  let host = hostSpec === undefined ? GITLAB_COM : parseGitLabHost(hostSpec);
  if (/^https?:\/\//i.test(spec)) {
    // The full URL form: the host is part of it.
    const afterScheme = spec.replace(/^https:\/\//i, '');
    if (afterScheme === spec) throw bad(spec, 'the URL must start with https://');
    const slash = afterScheme.indexOf('/');
    const urlHost = parseGitLabHost(afterScheme.slice(0, slash === -1 ? undefined : slash));
    if (hostSpec !== undefined && urlHost !== host)
      throw usageError(`--gitlab-pipeline names ${urlHost}, --gitlab-host ${host}: pass one`);
    host = urlHost;
    rest = slash === -1 ? '' : afterScheme.slice(slash + 1);
  }
  const split = rest.indexOf('//');
  if (split === -1) throw bad(spec, 'no `//` between the project and its CI config file');
  const project = rest.slice(0, split);
  const at = rest.lastIndexOf('@');
  if (at < split) throw bad(spec, 'no @REF: pin the ref the pipeline ran for, e.g. @refs/heads/main');
  const path = rest.slice(split + 2, at);
  const ref = rest.slice(at + 1);
  const groups = project.split('/');
  if (groups.length < 2 || !groups.every((s) => SEGMENT.test(s) && !/\.(git|atom)$/.test(s)))
    throw bad(spec, `${JSON.stringify(project)} is not a GitLab project path (GROUP/…/PROJECT)`);
  const parts = path.split('/');
  if (!parts.every((p) => CONFIG_SEGMENT.test(p) && p !== '.' && p !== '..'))
    throw bad(spec, `${JSON.stringify(path)} is not a CI config file path`);
  if (!REF.test(ref) || ref.includes('..'))
    throw bad(spec, `${JSON.stringify(ref)} is not a full git ref such as refs/heads/main or refs/tags/v1.2.0`);
  return { host: host.toLowerCase(), project, path, ref };
}

/** The SAN Fulcio writes for this pipeline, and the issuer it runs under. */
export function gitlabPipelineIdentity(p: GitLabPipeline): { san: string; issuer: string } {
  return { san: `https://${p.host}/${p.project}//${p.path}@${p.ref}`, issuer: `https://${p.host}` };
}

const bad = (spec: string, why: string) =>
  usageError(`--gitlab-pipeline ${JSON.stringify(spec)}: ${why}`, `Use ${FORMAT}, e.g. ${EXAMPLE}`);
