// Kept for the sign/verify e2e files that still import it: everything here now lives in the e2e
// kit (test/support/kit.ts: policy constants, kit/sign-verify.ts: sign and verify of local files).
export {
  byWorkflow,
  cosignPath,
  EXIT,
  exactly,
  fileSha256Hex as sha256Hex,
  expectRefusal,
  GENS,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN as SAN,
  shQuote,
  sign,
  signedFixture,
  verify,
  WORKFLOW,
  writeScript,
  type Gen,
  type SignWith,
  type VerifyWith,
} from '../support/kit.js';
