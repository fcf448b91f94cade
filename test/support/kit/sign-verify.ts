// `sign FILE` and `verify FILE --bundle B` against a local Sigstore stack, without a registry:
// which cosign generation runs, a signed fixture in one call, and what a refusal looks like.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { freshCliDirs, type CliDirs, type CliResult } from '../cli.js';
import { expectCleanFailure, expectNoResult } from '../expect.js';
import type { MintTokenClaims, SigstoreStack } from '../sigstore/index.js';
import { cosignOf } from './env.js';
import { RELEASE, signingFlags, trustFlags } from './policy.js';
import { run, type Run } from './run.js';

/** cosign's major version: trixie ships 2.5, sid 3.x; the CLI detects which by its flags and reports it. */
export type Gen = 2 | 3;
export const GENS: readonly Gen[] = [2, 3];
export const cosignPath = cosignOf;

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

/** `ghcr-blob sign FILE --identity-token-stdin --signing-config … --trusted-root … --json`. */
export function sign(file: string, o: SignWith): Promise<Run> {
  const args = ['sign', file, '--identity-token-stdin', ...signingFlags(o.stack), '--json'];
  if (o.bundle) args.push('--bundle', o.bundle);
  args.push(...(o.extra ?? []));
  return run(args, { stdin: o.token, env: { GHCR_BLOB_COSIGN: cosignPath(o.gen), ...o.env }, ...o.dirs });
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
export function verify(file: string, bundle: string, policy: string[], o: VerifyWith): Promise<Run> {
  const cosign = o.cosign === undefined ? cosignPath(o.gen ?? 3) : o.cosign;
  return run(['verify', file, '--bundle', bundle, ...policy, ...trustFlags(o.root), '--json', ...(o.extra ?? [])], {
    env: { ...(cosign === null ? {} : { GHCR_BLOB_COSIGN: cosign }), ...o.env },
  });
}

/**
 * A refusal (the house rules of test/support/expect.ts: exit code, an `error:` line, no secret in
 * the output, nothing in HOME or DOCKER_CONFIG) whose message names the failed check, and with no
 * result on stdout, even with --json.
 */
export function expectRefusal(r: CliResult, code: number, check: RegExp, secrets: readonly string[] = []): void {
  expectCleanFailure(r, code, secrets);
  expect(r.stderr).toMatch(check);
  expectNoResult(r);
}

/** An executable /bin/sh script (a stand-in or wrapper for cosign). */
export function writeScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Single-quoted for /bin/sh. */
export const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
