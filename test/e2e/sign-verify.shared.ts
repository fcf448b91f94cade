// Shared by the sign/verify e2e files (sign-verify*.test.ts): who signs, how the built CLI is run
// for `sign` and `verify` against a local Sigstore stack, and what a clean failure looks like.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { freshCliDirs, runCli, type CliDirs, type CliResult } from '../support/cli.js';
import { EXIT, expectCleanFailure } from '../support/expect.js';
import type { MintTokenClaims, SigstoreStack } from '../support/sigstore/index.js';
import { toolsFor } from '../support/tools.js';

export { EXIT };

export type Gen = 2 | 3;
export const GENS: readonly Gen[] = [2, 3];
/** trixie ships cosign 2.5, sid cosign 3.x; the CLI detects which by its flags and reports it. */
export const cosignPath = (gen: Gen): string => toolsFor(gen === 2 ? 'trixie' : 'sid').cosign;

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
/** The release job every "good" bundle comes from. */
export const RELEASE = {
  repository: 'octo/tools',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.2.0',
} satisfies MintTokenClaims;
export const WORKFLOW = 'octo/tools/.github/workflows/release.yml';
/** Written out, not derived: this is the SAN real Fulcio gives that job (job_workflow_ref). */
export const SAN = 'https://github.com/octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0';

export const sha256Hex = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

export const byWorkflow = (spec: string): string[] => ['--github-workflow', spec];
export const exactly = (identity: string, issuer = GITHUB_ISSUER): string[] => [
  '--certificate-identity',
  identity,
  '--certificate-oidc-issuer',
  issuer,
];

export interface SignWith {
  gen: Gen;
  stack: SigstoreStack;
  /** Piped in with --identity-token-stdin. */
  token: string;
  bundle?: string;
  dirs?: Partial<CliDirs>;
  env?: Record<string, string>;
  extra?: string[];
}

/** `ghcr-blob sign FILE --identity-token-stdin --json` against the stack. */
export function sign(file: string, o: SignWith): Promise<CliResult> {
  const args = [
    'sign',
    file,
    '--identity-token-stdin',
    '--signing-config',
    o.stack.signingConfigPath,
    '--trusted-root',
    o.stack.trustedRootPath,
    '--json',
  ];
  if (o.bundle) args.push('--bundle', o.bundle);
  args.push(...(o.extra ?? []));
  return runCli(args, { stdin: o.token, env: { GHCR_BLOB_COSIGN: cosignPath(o.gen), ...o.env }, ...o.dirs });
}

/** A fixture: writes `content` to a fresh folder, signs it as `claims`, returns file and bundle. */
export async function signedFixture(
  stack: SigstoreStack,
  gen: Gen,
  content: string,
  claims: MintTokenClaims = RELEASE,
): Promise<{ file: string; bundle: string }> {
  const file = join(freshCliDirs().cwd, 'report.json');
  writeFileSync(file, content);
  const r = await sign(file, { gen, stack, token: await stack.mintToken(claims) });
  if (r.exitCode !== 0)
    throw new Error(`fixture: cosign ${gen} could not sign as ${JSON.stringify(claims)}: ${r.stderr}`);
  return { file, bundle: `${file}.sigstore.json` };
}

export interface VerifyWith {
  root: string;
  /** cosign generation to run (default 3); or `cosign`: a path for GHCR_BLOB_COSIGN, null to leave it unset. */
  gen?: Gen;
  cosign?: string | null;
  extra?: string[];
  env?: Record<string, string>;
}

/** `ghcr-blob verify FILE --bundle B POLICY… --trusted-root R --json`. */
export function verify(file: string, bundle: string, policy: string[], o: VerifyWith): Promise<CliResult> {
  const cosign = o.cosign === undefined ? cosignPath(o.gen ?? 3) : o.cosign;
  return runCli(
    ['verify', file, '--bundle', bundle, ...policy, '--trusted-root', o.root, '--json', ...(o.extra ?? [])],
    {
      env: { ...(cosign === null ? {} : { GHCR_BLOB_COSIGN: cosign }), ...o.env },
    },
  );
}

/**
 * A refusal (the house rules of test/support/expect.ts: exit code, an `error:` line, no secret in
 * the output, nothing in HOME or DOCKER_CONFIG) whose message names the failed check, and with no
 * result on stdout, even with --json.
 */
export function expectRefusal(r: CliResult, code: number, check: RegExp, secrets: readonly string[] = []): void {
  expectCleanFailure(r, code, secrets);
  expect(r.stderr).toMatch(check);
  expect(r.stdout).toBe('');
}

/** An executable /bin/sh script (a stand-in or wrapper for cosign). */
export function writeScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Single-quoted for /bin/sh. */
export const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
