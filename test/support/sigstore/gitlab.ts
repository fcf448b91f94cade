// GitLab CI's side of the local Sigstore stack: the claims of a job's `id_tokens` token
// (aud sigstore) and the certificate real Fulcio makes from them. Fulcio's `gitlab-pipeline`
// template: SAN = `https://` + ci_config_ref_uri, and extensions from project_path, ref/ref_type,
// sha, ci_config_sha, runner_environment, pipeline_source, job_id, project_visibility, with `url`
// the instance (the issuer). @sigstore/mock maps only GitHub's claims, so the certificate is
// built here and issued by the mock's CA.

/** What the mock CA takes: a legacy extension is raw bytes, any other a DER UTF8String. */
export interface ExtensionValue {
  oid: string;
  value: string;
  legacy?: boolean;
}

export interface GitLabTokenClaims {
  /** GROUP/…/PROJECT */
  projectPath: string;
  /** Full ref: refs/heads/main, refs/tags/v1.2.0 (the token carries the short name and ref_type). */
  ref: string;
  /** The CI config file (default .gitlab-ci.yml). */
  configPath?: string;
  /** Default gitlab.com; the issuer is https://HOST. */
  host?: string;
  runnerEnvironment?: 'gitlab-hosted' | 'self-hosted';
  projectVisibility?: 'public' | 'private' | 'internal';
  /** Replaces the `ci_config_ref_uri` built from the others (to make malformed ones). */
  ciConfigRefUri?: string;
  expiresInSeconds?: number;
}

const FULCIO = '1.3.6.1.4.1.57264.1';

export function gitlabIssuer(c: Pick<GitLabTokenClaims, 'host'>): string {
  return `https://${c.host ?? 'gitlab.com'}`;
}

/** The payload of a GitLab CI ID token (GitLab docs, "ID token authentication"), minus iss/aud/exp. */
export function gitlabClaims(c: GitLabTokenClaims): Record<string, unknown> {
  const host = c.host ?? 'gitlab.com';
  const tag = c.ref.startsWith('refs/tags/');
  const short = c.ref.replace(/^refs\/(heads|tags)\//, '');
  const namespace = c.projectPath.split('/').slice(0, -1).join('/');
  const sha = '1f'.repeat(20);
  return {
    sub: `project_path:${c.projectPath}:ref_type:${tag ? 'tag' : 'branch'}:ref:${short}`,
    namespace_id: '4242',
    namespace_path: namespace,
    project_id: '777',
    project_path: c.projectPath,
    project_visibility: c.projectVisibility ?? 'public',
    user_login: 'octo',
    pipeline_id: '9001',
    pipeline_source: 'push',
    job_id: '31337',
    ref: short,
    ref_type: tag ? 'tag' : 'branch',
    ref_path: c.ref,
    ref_protected: 'true',
    runner_id: 12,
    runner_environment: c.runnerEnvironment ?? 'gitlab-hosted',
    sha,
    ci_config_ref_uri: c.ciConfigRefUri ?? `${host}/${c.projectPath}//${c.configPath ?? '.gitlab-ci.yml'}@${c.ref}`,
    ci_config_sha: sha,
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

/** SAN and extensions, as Fulcio's gitlab-pipeline template writes them. */
export function gitlabCertificate(claims: Record<string, unknown>): { san: string; extensions: ExtensionValue[] } {
  const url = str(claims['iss']);
  const san = `https://${str(claims['ci_config_ref_uri'])}`;
  const ref = `refs/${claims['ref_type'] === 'branch' ? 'heads/' : 'tags/'}${str(claims['ref'])}`;
  const values: Array<[number, string]> = [
    [8, url],
    [9, san],
    [10, str(claims['ci_config_sha'])],
    [11, str(claims['runner_environment'])],
    [12, `${url}/${str(claims['project_path'])}`],
    [13, str(claims['sha'])],
    [14, ref],
    [15, str(claims['project_id'])],
    [16, `${url}/${str(claims['namespace_path'])}`],
    [17, str(claims['namespace_id'])],
    [18, san],
    [19, str(claims['ci_config_sha'])],
    [20, str(claims['pipeline_source'])],
    [21, `${url}/${str(claims['project_path'])}/-/jobs/${str(claims['job_id'])}`],
    [22, str(claims['project_visibility'])],
  ];
  return {
    san,
    extensions: [
      { oid: `${FULCIO}.1`, value: url, legacy: true },
      ...values.map(([n, value]) => ({ oid: `${FULCIO}.${n}`, value })),
    ],
  };
}
