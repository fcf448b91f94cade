// The in-process verifier and identity policy; no processes are spawned from here.
export {
  readBundle,
  parseBundle,
  parseSignatureBundle,
  isDsseBundle,
  isSignatureBundle,
  isRekorV2Entry,
  messageDigestAlgorithm,
  type DsseBundle,
  type SignatureBundle,
  type SigstoreBundle,
} from './bundle.js';
export { bundleFacts, type BundleFacts } from './bundle-facts.js';
export { certificateClaims, type CertificateClaims, type FulcioClaims } from './certificate-claims.js';
export { GITHUB_ACTIONS_ISSUER, parseGitHubWorkflow, type GitHubWorkflow } from './github-workflow.js';
export {
  buildIdentityPolicy,
  type AcceptedSigner,
  type IdentityPolicy,
  type IdentityPolicyOptions,
  type PolicyCheck,
  type PolicyMismatch,
  type PolicyResult,
  type VerificationPolicy,
} from './policy.js';
export { loadKeyPolicy, type KeyPolicy } from './key-policy.js';
export type { StringMatcher } from './string-matcher.js';
export { fetchPublicGoodTrustedRoot } from './public-good-root.js';
export { loadTrustedRoot, parseTrustedRoot, TRUSTED_ROOT_MEDIA_TYPE, type TrustedRoot } from './trusted-root.js';
export {
  verifyAttestationInProcess,
  verifyBlobInProcess,
  verifyMessageInProcess,
  verifyPayloadInProcess,
  type VerifiedAttestation,
  type VerifiedSignature,
  type VerifiedSigner,
  type VerifyBlobInput,
} from './verifier.js';
export * from './statement.js';
export * from './cosign-legacy.js';
export { hasBareKeyRekorV2Entry } from './rekor-v2-shape.js';
export { keyName, requireSupportedKey } from './signing-key.js';
export * from './file-statement.js';
