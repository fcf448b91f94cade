// One scenario per test file (or per describe): a started registry (+ a local Sigstore stack when
// asked) and one driver per verb, `push / pull / sign / verify`, over the generic `run`. Each
// driver writes the flags a test would otherwise spell by hand (`-u`, the registry token in the
// environment, `--sign --identity-token-stdin --signing-config … --trusted-root …`, `--verify
// POLICY --trusted-root …`) and returns a Run: exit code, output, --json, landed, left.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freshCliDirs } from '../cli.js';
import { startGhcrLikeRegistry } from '../ghcr-like.js';
import { startRegistry, type Registry, type RegistryOptions } from '../registry.js';
import { startSigstoreStack, type MintTokenClaims, type SigstoreStack } from '../sigstore/index.js';
import type { Generation } from '../tools.js';
import { env } from './env.js';
import { policyFor, RELEASE, signingFlags, trustFlags } from './policy.js';
import { run, type Run, type RunOptions } from './run.js';

export interface KitOptions {
  /** Whose oras, cosign and docker-registry (default trixie). */
  gen?: Generation;
  /** Start a registry (default) with these options, or none (`false`: local sign/verify only). */
  registry?: RegistryOptions | false;
  /** The registry is GHCR-like (../ghcr-like.ts): token auth through its own token service. */
  tokenAuth?: boolean;
  /** Also start a local Sigstore stack (Fulcio, Rekor, TSA). */
  sigstore?: boolean;
  /** The signer `push --sign` / `sign` use when no token is given, and `--verify`'s default policy. */
  release?: MintTokenClaims;
  /** Repository of `kit.ref(tag)` (default octo/app). */
  repo?: string;
}

/** What every verb takes. */
export interface VerbOptions extends RunOptions {
  /** `--json` (default true for push and sign, where tests read the result; false otherwise). */
  json?: boolean;
  /** Added after the verb's own flags. */
  extra?: string[];
  /**
   * How the run logs in: `env` (default for registry references): `-u USER`, GHCR_TOKEN in the
   * environment; `stdin`: `-u USER --password-stdin`, the password on stdin (unless `stdin` is
   * given); `none` (default for local files): neither, and no token in the environment.
   */
  auth?: 'env' | 'stdin' | 'none';
}

export interface SignOptions extends VerbOptions {
  /** Identity token piped with --identity-token-stdin (default: one minted for `release`). */
  token?: string;
  /** Sign against this stack (default the kit's). */
  stack?: SigstoreStack;
  bundle?: string;
}

export interface PullOptions extends VerbOptions {
  /** `--verify` with this policy (`true`: the kit's release policy). */
  verify?: string[] | boolean;
  /** `--trusted-root` for --verify (default the kit's stack). */
  root?: SigstoreStack | string;
}

export interface VerifyOptions extends VerbOptions {
  /** `--bundle` (local files). */
  bundle?: string;
  /** Policy flags (default the kit's release policy). */
  policy?: string[];
  root?: SigstoreStack | string;
}

export class Kit {
  private registry?: Registry;
  private sigstore?: SigstoreStack;
  private readonly minted = new Set<string>();
  readonly gen: Generation;
  readonly release: MintTokenClaims;
  readonly repo: string;

  constructor(readonly options: KitOptions = {}) {
    this.gen = options.gen ?? 'trixie';
    this.release = options.release ?? RELEASE;
    this.repo = options.repo ?? 'octo/app';
  }

  async start(): Promise<this> {
    const o = this.options;
    const [registry, sigstore] = await Promise.all([
      o.registry === false
        ? undefined
        : o.tokenAuth
          ? startGhcrLikeRegistry({ generation: this.gen, ...(o.registry?.users ? { users: o.registry.users } : {}) })
          : startRegistry({ generation: this.gen, ...o.registry }),
      o.sigstore ? startSigstoreStack() : undefined,
    ]);
    this.registry = registry;
    this.sigstore = sigstore;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([this.registry?.stop(), this.sigstore?.close()]);
  }

  get reg(): Registry {
    if (!this.registry) throw new Error('kit: no registry (started with registry: false, or not started yet)');
    return this.registry;
  }

  get stack(): SigstoreStack {
    if (!this.sigstore) throw new Error('kit: no Sigstore stack (start the kit with sigstore: true)');
    return this.sigstore;
  }

  /** The release policy (`--github-workflow owner/repo/…@ref`). */
  get policy(): string[] {
    return policyFor(this.release);
  }

  /** Tools of the kit's generation, GHCR_TOKEN when there is a registry, then `extra`. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return env({ gen: this.gen, ...(this.registry ? { token: this.registry.password } : {}) }, extra);
  }

  /** Every secret of the scenario (registry passwords, tokens minted through the kit). */
  secrets(): string[] {
    return [...Object.values(this.registry?.users ?? {}), ...this.minted];
  }

  /** An identity token from the kit's stack (`release` by default), remembered as a secret. */
  async token(claims: MintTokenClaims = this.release, stack: SigstoreStack = this.stack): Promise<string> {
    const t = await stack.mintToken(claims);
    this.minted.add(t);
    return t;
  }

  ref(tag: string, repo = this.repo): string {
    return `${this.reg.host}/${repo}:${tag}`;
  }

  /** Writes `content` into a fresh folder and returns its path. */
  file(content: string | Buffer, name = 'report.json'): string {
    const path = join(freshCliDirs().cwd, name);
    writeFileSync(path, content);
    return path;
  }

  /** The generic driver: `ghcr-blob ARGS` with the kit's environment. */
  run(args: string[], o: RunOptions = {}): Promise<Run> {
    return run(args, { ...o, env: this.env(o.env) });
  }

  /** A verb's run: the registry token reaches only runs that log in through the environment. */
  private verb(args: string[], o: VerbOptions, login: boolean, json: boolean): Promise<Run> {
    const { extra = [], auth = login ? 'env' : 'none', json: _j, ...rest } = o;
    const user = auth === 'none' ? [] : ['-u', this.reg.username, ...(auth === 'stdin' ? ['--password-stdin'] : [])];
    const environment = auth === 'env' ? this.env(o.env) : env({ gen: this.gen }, o.env);
    const stdin = auth === 'stdin' ? (o.stdin ?? this.reg.password) : o.stdin;
    return run([...args, ...user, ...((o.json ?? json) ? ['--json'] : []), ...extra], {
      ...rest,
      ...(stdin === undefined ? {} : { stdin }),
      env: environment,
    });
  }

  /** `push REF FILE -u USER [--sign --identity-token-stdin SIGNING] --json`. */
  async push(ref: string, file: string, o: SignOptions & { sign?: boolean } = {}): Promise<Run> {
    if (!o.sign) return this.verb(['push', ref, file], o, true, true);
    const stack = o.stack ?? this.stack;
    const token = o.token ?? (await this.token(this.release, stack));
    return this.verb(
      ['push', ref, file, '--sign', '--identity-token-stdin', ...signingFlags(stack)],
      { stdin: token, ...o },
      true,
      true,
    );
  }

  /** `pull REF -o OUT -u USER [--verify POLICY --trusted-root ROOT]`; OUT defaults to a fresh `…/in`. */
  pull(ref: string, o: PullOptions = {}): Promise<Run> {
    const out = o.out ?? join(freshCliDirs().cwd, 'in');
    const policy = o.verify === true ? this.policy : o.verify || undefined;
    const verify = policy ? ['--verify', ...policy, ...trustFlags(o.root ?? this.stack)] : [];
    return this.verb(['pull', ref, '-o', out, ...verify], { ...o, out }, true, false);
  }

  /** `sign TARGET --identity-token-stdin SIGNING --json`; `-u USER` when TARGET is not a file. */
  async sign(target: string, o: SignOptions = {}): Promise<Run> {
    const stack = o.stack ?? this.stack;
    const token = o.token ?? (await this.token(this.release, stack));
    const bundle = o.bundle ? ['--bundle', o.bundle] : [];
    const args = ['sign', target, '--identity-token-stdin', ...signingFlags(stack), ...bundle];
    return this.verb(args, { stdin: token, ...o }, !existsSync(target) && this.registry !== undefined, true);
  }

  /** `verify TARGET [--bundle B] POLICY --trusted-root ROOT`; `-u USER` when TARGET is not a file. */
  verify(target: string, o: VerifyOptions = {}): Promise<Run> {
    const bundle = o.bundle ? ['--bundle', o.bundle] : [];
    const args = ['verify', target, ...bundle, ...(o.policy ?? this.policy), ...trustFlags(o.root ?? this.stack)];
    return this.verb(args, o, !existsSync(target) && this.registry !== undefined, false);
  }
}

/** A Kit started before the tests of the enclosing file / describe and stopped after them. */
export function useKit(options: KitOptions = {}): Kit {
  const kit = new Kit(options);
  beforeAll(() => kit.start().then(() => undefined));
  afterAll(() => kit.stop());
  return kit;
}
