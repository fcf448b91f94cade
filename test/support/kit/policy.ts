// Who signs in the e2e tests and the flags that say so: the release identity, the policy flags
// that name it, the trust and signing-config flags of a local Sigstore stack. Spelled once here
// so no test writes `--github-workflow … --trusted-root …` by hand.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GITHUB_ISSUER, type MintTokenClaims, type SigstoreStack } from '../sigstore/index.js';

export { GITHUB_ISSUER };

/** The release job every "good" signature comes from. */
export const RELEASE = {
  repository: 'octo/tools',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.2.0',
} satisfies MintTokenClaims;

/** The release job with some claims changed (another ref, repository, workflow file…). */
export const release = (changes: Partial<MintTokenClaims> = {}): MintTokenClaims => ({ ...RELEASE, ...changes });

/** `owner/repo/.github/workflows/x.yml@ref`: what `--github-workflow` takes for these claims. */
export const workflowSpec = (c: MintTokenClaims = RELEASE): string => `${c.repository}/${c.workflowPath}@${c.ref}`;

/** The release job's workflow file, without @REF (`--github-workflow` then accepts any ref). */
export const WORKFLOW = 'octo/tools/.github/workflows/release.yml';

/** Written out, not derived: the SAN real Fulcio gives the RELEASE job (job_workflow_ref). */
export const RELEASE_SAN = 'https://github.com/octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';

export const byWorkflow = (spec: string): string[] => ['--github-workflow', spec];
/** The policy that accepts exactly the job of these claims. */
export const policyFor = (c: MintTokenClaims = RELEASE): string[] => byWorkflow(workflowSpec(c));
export const exactly = (identity: string, issuer = GITHUB_ISSUER): string[] => [
  '--certificate-identity',
  identity,
  '--certificate-oidc-issuer',
  issuer,
];

/** `--trusted-root` of a stack (or a trusted-root file). */
export const trustFlags = (root: SigstoreStack | string): string[] => [
  '--trusted-root',
  typeof root === 'string' ? root : root.trustedRootPath,
];
/** What `sign` and `push --sign` need to sign against a stack. */
export const signingFlags = (stack: SigstoreStack): string[] => [
  '--signing-config',
  stack.signingConfigPath,
  ...trustFlags(stack),
];

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
/** `sha256:<hex>` of bytes. */
export const sha256 = (b: Buffer | string): string => `sha256:${sha256Hex(b)}`;
/** sha256 hex of a file's bytes. */
export const fileSha256Hex = (path: string): string => sha256Hex(readFileSync(path));
