// A fake GitHub Actions OIDC provider: mints tokens shaped like the ones
// https://token.actions.githubusercontent.com issues, and verifies them
// (signature against its own key, exp, aud). @sigstore/mock never checks the
// JWT, so without this a forged or expired token would still get a
// certificate and negative tests would prove nothing.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import type { MintTokenClaims, TokenAlgorithm } from './types.js';

export const FULCIO_AUDIENCE = 'sigstore';

export interface OidcProvider {
  mint(claims: MintTokenClaims): Promise<string>;
  /** A token with exactly these claims (plus iss, aud sigstore, iat, nbf, exp, jti). */
  mintPayload(payload: Record<string, unknown>, o: { issuer: string; expiresInSeconds?: number }): Promise<string>;
  /** Throws (jose error) unless the token is ours, unexpired and for `sigstore`. */
  verify(token: string): Promise<JWTPayload>;
}

/** `owner/repo/.github/workflows/x.yml@refs/...`, as GitHub writes `workflow_ref`. */
export function workflowRef(repository: string, workflowPath: string, ref: string): string {
  return `${repository}/${workflowPath.replace(/^\.\//, '')}@${ref}`;
}

export async function createOidcProvider(issuer: string, alg: TokenAlgorithm): Promise<OidcProvider> {
  const trusted = await generateKeyPair(alg);
  // The untrusted key is only needed by negative tests: create it on first use.
  let untrusted: Promise<{ privateKey: KeyLike }> | undefined;

  async function mint(c: MintTokenClaims): Promise<string> {
    const key = c.wrongKey ? (await (untrusted ??= generateKeyPair(alg))).privateKey : trusted.privateKey;
    return sign({ ...githubClaims(c), ...c.extraClaims }, key, c);
  }

  async function mintPayload(payload: Record<string, unknown>, o: { issuer: string; expiresInSeconds?: number }) {
    return sign(payload, trusted.privateKey, o);
  }

  async function sign(
    payload: Record<string, unknown>,
    key: KeyLike,
    c: { issuer?: string; audience?: string; expiresInSeconds?: number },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = c.expiresInSeconds ?? 600;
    const signer = new SignJWT(payload)
      .setProtectedHeader({ alg, typ: 'JWT', kid: 'ghcr-blob-test' })
      .setIssuer(c.issuer ?? issuer)
      .setAudience(c.audience ?? FULCIO_AUDIENCE)
      .setJti(randomUUID())
      // An expired token must also look issued in the past, as a real stale one would.
      .setIssuedAt(Math.min(now, now + lifetime - 60))
      .setNotBefore(Math.min(now, now + lifetime - 60))
      .setExpirationTime(now + lifetime);
    return signer.sign(key);
  }

  async function verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, trusted.publicKey, {
      algorithms: [alg],
      audience: FULCIO_AUDIENCE,
      requiredClaims: ['iss', 'sub', 'exp'],
    });
    return payload;
  }

  return { mint, mintPayload, verify };
}

// The claim set of a GitHub Actions ID token (docs.github.com "About security
// hardening with OpenID Connect"). Fulcio turns several of them into
// certificate extensions, so they must be present and consistent.
function githubClaims(c: MintTokenClaims): Record<string, unknown> {
  const [owner = c.repository] = c.repository.split('/');
  const wfRef = workflowRef(c.repository, c.workflowPath, c.ref);
  const sha = c.sha ?? createHash('sha1').update(`${c.repository}@${c.ref}`).digest('hex');
  const refType = c.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  return {
    sub: `repo:${c.repository}:ref:${c.ref}`,
    ref: c.ref,
    ref_type: refType,
    ref_protected: 'false',
    sha,
    repository: c.repository,
    repository_id: '123456789',
    repository_owner: owner,
    repository_owner_id: '987654321',
    repository_visibility: c.repositoryVisibility ?? 'public',
    actor: owner,
    actor_id: '987654321',
    run_id: '4242424242',
    run_number: '7',
    run_attempt: '1',
    runner_environment: c.runnerEnvironment ?? 'github-hosted',
    event_name: c.eventName ?? 'push',
    workflow: c.workflowPath.split('/').pop() ?? c.workflowPath,
    workflow_ref: wfRef,
    workflow_sha: sha,
    job_workflow_ref: c.jobWorkflowRef ?? wfRef,
    job_workflow_sha: sha,
    head_ref: '',
    base_ref: '',
  };
}
