// The e2e kit: one started registry (+ Sigstore stack when asked) per test file and one driver per
// verb (push / pull / sign / verify, and a generic run) returning exit code, output, --json,
// what landed and what was left behind; the sealed environment builder; shared policy and trust
// flags. test/support/cli.ts runCli stays the low-level runner underneath.
export { cosignOf, env, sealedEnv, type EnvOptions } from './kit/env.js';
export * from './kit/policy.js';
export { alive, childrenOf } from './kit/process.js';
export {
  freshSandbox,
  freshTmp,
  leftovers,
  run,
  STAGING_PREFIX,
  startCli,
  type Run,
  type RunOptions,
} from './kit/run.js';
export {
  Kit,
  useKit,
  type KitOptions,
  type PullOptions,
  type SignOptions,
  type VerbOptions,
  type VerifyOptions,
} from './kit/scenario.js';
export {
  cosignPath,
  expectRefusal,
  GENS,
  shQuote,
  sign,
  signedFixture,
  verify,
  writeScript,
  type Gen,
  type SignWith,
  type VerifyWith,
} from './kit/sign-verify.js';
export { EXIT, expectCleanFailure, expectNoResult } from './expect.js';
export { freshCliDirs, listFilesRecursive, runCli, type CliDirs, type CliResult } from './cli.js';
