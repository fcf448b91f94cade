// Public shapes of the local Sigstore stack (Fulcio + Rekor v1 + RFC 3161 TSA).
// Kept apart from the implementation so tests can import types cheaply.

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export type TokenAlgorithm = 'ES256' | 'RS256';

export interface StartSigstoreStackOptions {
  /** Default `iss` of minted tokens. The stack accepts any `iss` (it checks signature, exp, aud). */
  issuer?: string;
  /** Algorithm of the stack's OIDC signing key. ES256 is faster to generate. */
  tokenAlgorithm?: TokenAlgorithm;
  /** Parent folder for the stack's temp dir (default: os.tmpdir()). */
  tmpRoot?: string;
}

/** What the caller says about the "workflow run" that asks for a token. */
export interface MintTokenClaims {
  /** `owner/repo` */
  repository: string;
  /** `.github/workflows/release.yml` (a leading `./` is dropped). */
  workflowPath: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, … */
  ref: string;
  /** Overrides the stack's default issuer (the stack still accepts the token). */
  issuer?: string;
  /** Lifetime from now; negative gives an already expired token. Default 600. */
  expiresInSeconds?: number;
  /** Default `sigstore`; anything else is refused by the stack. */
  audience?: string;
  /** Sign with a key the stack does not trust (the stack must refuse it). */
  wrongKey?: boolean;
  /** Reusable workflow: `owner/repo/.github/workflows/x.yml@refs/...` (default: the caller workflow). */
  jobWorkflowRef?: string;
  /** Commit sha (default: 40 hex chars derived from repository+ref). */
  sha?: string;
  /** Default `push`. */
  eventName?: string;
  /** `runner_environment` claim (Fulcio extension .11). Default `github-hosted`. */
  runnerEnvironment?: 'github-hosted' | 'self-hosted';
  /** `repository_visibility` claim (Fulcio extension .22). Default `public`. */
  repositoryVisibility?: 'public' | 'private' | 'internal';
  /** Merged last: add or override any claim. */
  extraClaims?: Record<string, unknown>;
}

/** One request the stack served; lets negative tests assert *why* cosign failed. */
export interface StackRequestLog {
  method: string;
  path: string;
  status: number;
  /** Reason of a refusal (token verification error, bad body, …). */
  error?: string;
}

export interface SigstoreStack {
  /** http://127.0.0.1:PORT — Fulcio and Rekor base URL (all services share one port). */
  url: string;
  fulcioUrl: string;
  rekorUrl: string;
  /** Full path: `${url}/api/v1/timestamp` (cosign wants the full path). */
  tsaUrl: string;
  /** Temp dir holding every file below; removed by close(). */
  dir: string;
  /** application/vnd.dev.sigstore.trustedroot+json;version=0.1 */
  trustedRootPath: string;
  /** application/vnd.dev.sigstore.signingconfig.v0.2+json (for cosign 3 `--signing-config`). */
  signingConfigPath: string;
  /** PEM chain of the TSA (leaf first); cosign 2 `--timestamp-certificate-chain` if ever needed. */
  tsaChainPath: string;
  /** SIGSTORE_ROOT_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, SIGSTORE_REKOR_PUBLIC_KEY (paths only). */
  cosign2Env: Record<string, string>;
  /**
   * The same stack without a transparency log, as GitHub's own instance for private repositories:
   * a trusted root with `tlogs: []` and a signing config with no `rekorTlogUrls`. cosign 3 signing
   * with these writes a bundle with 0 log entries and 1 RFC 3161 timestamp.
   */
  tsaOnly: { trustedRootPath: string; signingConfigPath: string };
  /** Default `iss` of minted tokens. */
  issuer: string;
  /** Every request served, in order. */
  requests: StackRequestLog[];
  /** SAN real Fulcio would put in a certificate for these claims. */
  identityFor(claims: Pick<MintTokenClaims, 'repository' | 'workflowPath' | 'ref' | 'jobWorkflowRef'>): string;
  mintToken(claims: MintTokenClaims): Promise<string>;
  close(): Promise<void>;
}
