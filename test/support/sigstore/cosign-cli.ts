// Runs the real cosign binaries from .tools/ against a stack, with the exact
// flags each generation needs. Used by the stack's own smoke test.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { SigstoreStack } from './types.js';

export type CosignGeneration = 2 | 3;

export interface CosignBinary {
  gen: CosignGeneration;
  path: string;
  label: string; // e.g. "cosign 3 (sid)"
}

export interface CosignRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const TOOLS = fileURLToPath(new URL('../../../.tools/', import.meta.url));

/** Debian builds print `GitVersion: devel`, so the generation is read from the flags. */
export async function cosignGeneration(path: string): Promise<CosignGeneration> {
  const help = await execa(path, ['sign-blob', '--help'], { reject: false, all: true });
  return (help.all ?? '').includes('--signing-config') ? 3 : 2;
}

/** The cosigns installed by scripts/install-tools.sh (trixie → 2.x, sid → 3.x). */
export async function installedCosigns(): Promise<CosignBinary[]> {
  const found: CosignBinary[] = [];
  for (const suite of ['trixie', 'sid']) {
    const path = `${TOOLS}${suite}/bin/cosign`;
    if (!existsSync(path)) continue;
    const gen = await cosignGeneration(path);
    found.push({ gen, path, label: `cosign ${gen} (${suite})` });
  }
  return found;
}

/** Isolated HOME and a minimal environment: nothing leaks in from the developer's machine. */
export async function runCosign(
  bin: CosignBinary,
  args: string[],
  opts: { home: string; env?: Record<string, string> },
): Promise<CosignRun> {
  const started = performance.now();
  const r = await execa(bin.path, args, {
    env: { PATH: '/usr/bin:/bin', HOME: opts.home, ...opts.env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

/**
 * Keyless sign-blob against the stack. `tokenPath` is a FILE: cosign 3 treats
 * an `--identity-token` value longer than 255 bytes as a path ("file name too
 * long"), and a GitHub-shaped JWT is ~1 KiB.
 */
export function signBlobArgs(
  gen: CosignGeneration,
  stack: SigstoreStack,
  o: { file: string; bundle: string; tokenPath: string },
): string[] {
  if (gen === 3) {
    // --trusted-root stops cosign 3 from trying the public TUF repository first.
    return [
      'sign-blob',
      '--bundle',
      o.bundle,
      '--signing-config',
      stack.signingConfigPath,
      '--trusted-root',
      stack.trustedRootPath,
      '--identity-token',
      o.tokenPath,
      '-y',
      o.file,
    ];
  }
  // cosign 2 also needs stack.cosign2Env in its environment.
  return [
    'sign-blob',
    '--new-bundle-format',
    '--bundle',
    o.bundle,
    '--fulcio-url',
    stack.fulcioUrl,
    '--rekor-url',
    stack.rekorUrl,
    '--timestamp-server-url',
    stack.tsaUrl,
    '--identity-token',
    o.tokenPath,
    '-y',
    o.file,
  ];
}

/** Offline verify-blob; needs no SIGSTORE_* variables, only the trusted root. */
export function verifyBlobArgs(
  gen: CosignGeneration,
  o: { file: string; bundle: string; trustedRoot: string; identity: string; issuer: string },
): string[] {
  return [
    'verify-blob',
    ...(gen === 2 ? ['--new-bundle-format'] : []),
    '--bundle',
    o.bundle,
    '--trusted-root',
    o.trustedRoot,
    '--certificate-identity',
    o.identity,
    '--certificate-oidc-issuer',
    o.issuer,
    o.file,
  ];
}
