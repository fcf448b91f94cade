// The world the demo and the bench run in: a real registry (docker-registry with htpasswd) and a
// local Sigstore stack on loopback, one Debian generation's oras/cosign, a fresh HOME, and a
// sealed environment for every child, so nothing from the developer's shell (tokens, docker
// credentials) leaks in and nothing leaks out. withSandbox() undoes all of it when the body
// ends, on Ctrl-C / SIGTERM, and — through a sidecar that outlives us — even on SIGKILL.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessDeath } from '../../test/support/on-death.js';
import { startRegistry, type Registry } from '../../test/support/registry.js';
import { cosignGeneration, type CosignGeneration } from '../../test/support/sigstore/cosign-cli.js';
import { startSigstoreStack, type SigstoreStack } from '../../test/support/sigstore/index.js';
import { GENERATIONS, REPO_ROOT, toolsFor, type Generation, type Tools } from '../../test/support/tools.js';
import { Children } from './children.js';
import { Cleanup } from './cleanup.js';
import { Interrupted, UsageError } from './cli-script.js';

/** The workflow run whose OIDC token signs in the sandbox. */
export const SIGNER = {
  repository: 'octo/tools',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v1.2.0',
};

/** The value of a `--generation` flag: which Debian suite's oras/cosign/docker-registry to run. */
export function parseGeneration(value: string): Generation {
  const gen = GENERATIONS.find((g) => g === value);
  if (!gen)
    throw new UsageError(`--generation must be one of ${GENERATIONS.join(', ')} (got ${JSON.stringify(value)})`);
  return gen;
}

export interface SandboxOptions {
  /** Names the temp folder: ghcr-blob-<name>-XXXXXX. */
  name: string;
  generation: Generation;
  /**
   * Run a private copy of the built CLI: a build elsewhere (`npm test`, tsup's `clean: true`)
   * must not pull dist/ away from under a bench that runs for minutes.
   */
  snapshotCli?: boolean;
}

export type Env = Record<string, string>;

export interface Sandbox {
  generation: Generation;
  tools: Tools;
  cosignGeneration: CosignGeneration;
  registry: Registry;
  stack: SigstoreStack;
  /** Temp folder holding everything below; removed at the end. */
  root: string;
  /** The built CLI's entry (bin/ghcr-blob.js), run with process.execPath. */
  cliBin: string;
  /** For raw oras/cosign: PATH, a fresh empty HOME and DOCKER_CONFIG, nothing else. */
  toolEnv: Env;
  /** toolEnv plus GHCR_BLOB_ORAS / GHCR_BLOB_COSIGN naming this generation's binaries. */
  cliEnv: Env;
  /** An empty docker config for raw oras's `--registry-config`, as ghcr-blob passes its own. */
  emptyRegistryConfig: string;
  /** OIDC token for SIGNER (valid one hour), and the same in a 0600 file (cosign takes a path). */
  identityToken: string;
  identityTokenFile: string;
  /** The certificate SAN the stack issues for SIGNER. */
  signerIdentity: string;
  /** Replaces every secret of the sandbox (registry password, identity token) in `text`. */
  redact(text: string): string;
  /** A new empty folder under root (a counter keeps names unique). */
  freshDir(kind: string): string;
  /** Starts a process in its own group; the sandbox kills any still running before it is removed. */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess;
  /** Undoes something the body started (a second registry, a proxy) when the sandbox is removed. */
  defer(undo: () => unknown): void;
}

function copyCli(dir: string): string {
  mkdirSync(dir);
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(REPO_ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'bin', 'ghcr-blob.js');
}

async function open(opts: SandboxOptions, cleanup: Cleanup): Promise<Sandbox> {
  const root = mkdtempSync(join(tmpdir(), `ghcr-blob-${opts.name}-`));
  const deathHook = onProcessDeath('rm -rf "$1"', [root]);
  cleanup.add(() => {
    deathHook.cancel();
    rmSync(root, { recursive: true, force: true });
  });
  const tools = toolsFor(opts.generation);
  // In parallel (~100 ms each). allSettled: if one fails, the other is still known and stopped.
  const [reg, sig, gen] = await Promise.allSettled([
    startRegistry({ generation: opts.generation }),
    startSigstoreStack({ tmpRoot: root }),
    cosignGeneration(tools.cosign),
  ]);
  if (reg.status === 'fulfilled') cleanup.add(() => reg.value.stop());
  if (sig.status === 'fulfilled') cleanup.add(() => sig.value.close());
  for (const r of [reg, sig, gen]) if (r.status === 'rejected') throw r.reason;
  const registry = (reg as PromiseFulfilledResult<Registry>).value;
  const stack = (sig as PromiseFulfilledResult<SigstoreStack>).value;

  const home = join(root, 'home');
  mkdirSync(join(home, '.docker'), { recursive: true });
  const toolEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: join(home, '.docker') };
  const emptyRegistryConfig = join(root, 'registry-config.json');
  writeFileSync(emptyRegistryConfig, '{}', { mode: 0o600 });
  // An hour outlasts any demo or bench; minting is not what either shows.
  const identityToken = await stack.mintToken({ ...SIGNER, expiresInSeconds: 3600 });
  const identityTokenFile = join(root, 'identity-token');
  writeFileSync(identityTokenFile, identityToken, { mode: 0o600 });
  const secrets = [registry.password, identityToken];
  const children = new Children();
  cleanup.add(() => children.killAll()); // added last, so it runs first
  let dirs = 0;
  return {
    generation: opts.generation,
    tools,
    cosignGeneration: (gen as PromiseFulfilledResult<CosignGeneration>).value,
    registry,
    stack,
    root,
    cliBin: opts.snapshotCli ? copyCli(join(root, 'cli')) : join(REPO_ROOT, 'bin', 'ghcr-blob.js'),
    toolEnv,
    cliEnv: { ...toolEnv, GHCR_BLOB_ORAS: tools.oras, GHCR_BLOB_COSIGN: tools.cosign },
    emptyRegistryConfig,
    identityToken,
    identityTokenFile,
    signerIdentity: stack.identityFor(SIGNER),
    redact: (text) => secrets.reduce((t, s) => t.split(s).join('<redacted>'), text),
    freshDir: (kind) => {
      const dir = join(root, `${kind}-${++dirs}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    spawn: (command, args, options) => children.spawn(command, args, options),
    defer: (undo) => cleanup.add(undo),
  };
}

/** Runs `body` in a new sandbox and removes the sandbox afterwards, however `body` ends. */
export async function withSandbox<T>(opts: SandboxOptions, body: (sandbox: Sandbox) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  const disarm = cleanup.onSignals();
  try {
    return await body(await open(opts, cleanup));
  } catch (err) {
    // The cleanup killed what was running; say so instead of reporting its death as a failure.
    if (cleanup.interruptedBy) throw new Interrupted(`interrupted by ${cleanup.interruptedBy}; cleaning up`);
    throw err;
  } finally {
    await cleanup.run();
    disarm();
  }
}
