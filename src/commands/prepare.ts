/**
 * Options parse; commands prepare. This is the one place that turns parsed options into the
 * things a command works with: an oras session with credentials, a located cosign, an
 * identity token, a ready verification check. Here IO may happen (stdin, files, the network
 * for TUF); nothing under options/ does any.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDuration, TIMEOUT_HINT, withDeadline } from '../core/deadlines.js';
import { GhcrBlobError, usageError } from '../core/errors.js';
import { privateTempDir } from '../core/fs.js';
import { type Reference, repositoryOf } from '../core/reference.js';
import type { PreparedCheck } from '../evidence/verify-file.js';
import type { AuthOptions } from '../options/auth.js';
import type { NameBindingOptions } from '../options/name-binding.js';
import { DEFAULT_PREDICATE_TYPE, type PolicyOptions, POLICY_ENV, signerFlagsGiven } from '../options/policy.js';
import type { RemoteOptions } from '../options/remote.js';
import type { SigningOptions } from '../options/signing.js';
import type { ToolOptions } from '../options/tools.js';
import type { TrustOptions } from '../options/trust.js';
import { resolveIdentityToken } from '../secrets/identity-token.js';
import { resolveCredentials } from '../secrets/registry-token.js';
import { type CosignTool, detectCosign, type SigstoreServices } from '../tools/cosign.js';
import { locateTool } from '../tools/locate.js';
import { createRunner } from '../tools/exec.js';
import { exposureWarnings, type ToolVersion } from '../tools/advisories.js';
import { checkTufCache, resolveTufCache, type TufCache, type TufClient } from '../core/tuf-cache.js';
import type { KmsScheme } from '../tools/kms.js';
import type { Signer } from '../tools/signer.js';
import type { AcceptedSigner } from '../verify/policy.js';
import { detectOras, type Oras, type OrasTool, openOras, type Transport } from '../tools/oras.js';
import type { Deps } from './deps.js';
import { maskSecrets } from './github.js';

export async function findOras(opts: ToolOptions, deps: Deps): Promise<OrasTool> {
  return detectOras(await locateTool('oras', opts.oras, deps.env), deps.run, deps.toolCache);
}

/**
 * A published advisory that still reaches ghcr-blob's use of a tool (tools/advisories.ts): a warning
 * on stderr (`::warning::` under Actions) and in `--json`'s `warnings`, once per run however many
 * times the tool is found.
 */
export function warnAboutAdvisories(found: ToolVersion, opts: { withCredentials: boolean }, deps: Deps): void {
  for (const message of exposureWarnings(found, opts)) {
    deps.warnings ??= [];
    if (deps.warnings.includes(message)) continue;
    deps.warnings.push(message);
    (deps.log.warn ?? deps.log.info)(message);
  }
}

/**
 * The TUF cache the public-good trust goes through (core/tuf-cache.ts), checked writable for the
 * clients that will use it. A chosen folder reaches cosign as TUF_ROOT (allow-listed in
 * tools/exec.ts): every later child gets it through a runner with that one variable more.
 */
export async function useTufCache(opts: TrustOptions, deps: Deps, clients: readonly TufClient[]): Promise<TufCache> {
  const cache = resolveTufCache(opts.tufCache, deps.env);
  await checkTufCache(cache, clients);
  if (cache.cosign !== undefined && deps.env.TUF_ROOT !== cache.cosign) {
    const env = { ...deps.env, TUF_ROOT: cache.cosign };
    Object.assign(deps, { run: createRunner(deps.log, env, deps.deadlines) });
  }
  return cache;
}

export async function findCosign(opts: ToolOptions, deps: Deps): Promise<CosignTool> {
  return detectCosign(await locateTool('cosign', opts.cosign, deps.env), deps.run, deps.toolCache);
}

async function transportFrom(opts: RemoteOptions): Promise<Transport> {
  if (!opts.caFile) return opts;
  const caFile = resolve(opts.caFile);
  try {
    await access(caFile);
  } catch (e) {
    throw usageError(`--ca-file ${opts.caFile}: no such file`, undefined, e);
  }
  return { ...opts, caFile };
}

/**
 * The caller owns the session: `dispose()` removes its private registry config. `target` is the
 * repository the command works on and whether it writes there: with credentials, the session gets
 * ready for it at once (registry-fence.ts, `warmUp`).
 */
export async function connectRegistry(
  opts: AuthOptions & RemoteOptions & ToolOptions,
  deps: Deps,
  target?: { ref: Reference; access: 'pull' | 'push' },
): Promise<Oras> {
  const transport = await transportFrom(opts);
  const credentials = await resolveCredentials(opts, deps.env, deps.readStdin);
  maskSecrets(deps.env, [credentials?.secret]);
  const oras = await findOras(opts, deps);
  warnAboutAdvisories({ tool: 'oras', version: oras.version }, { withCredentials: credentials !== undefined }, deps);
  return openOras(oras, deps.run, transport, credentials, {
    authHost: opts.authHost,
    timeoutMs: deps.deadlines.stepMs,
    warn: (message) => deps.log.info(message),
    ...(target ? { warmUp: { host: target.ref.host, repository: target.ref.repository, access: target.access } } : {}),
  });
}

/**
 * The one signer of a signing command: cosign, the credential it signs with, and the Sigstore
 * instance. Settled before anything is pushed or signed; every secret read is masked at once.
 */
export async function prepareSigner(opts: SigningOptions & TrustOptions & ToolOptions, deps: Deps): Promise<Signer> {
  // Without a trusted root, cosign takes public-good's services and keys through TUF (unless a key signs offline).
  if (!opts.trustedRoot && (opts.key === undefined || opts.tlogUpload !== false))
    await useTufCache(opts, deps, ['cosign']);
  const cosign = await findCosign(opts, deps);
  if (opts.key !== undefined) return keySigner(opts, opts.key, cosign, deps);
  const token = await resolveIdentityToken(opts, {
    env: deps.env,
    readStdin: deps.readStdin,
    timeoutMs: deps.deadlines.stepMs,
  });
  maskSecrets(deps.env, token.secrets);
  const { refusePublicLogForPrivateRepository } = await import('./public-log.js');
  await refusePublicLogForPrivateRepository(token.token, opts);
  return {
    cosign,
    credential: { kind: 'keyless', identityToken: token.token, source: token.source },
    services: signingServices(opts),
    secrets: token.secrets,
  };
}

/** cosign's private key: the file stays where it is; its password is read here and masked. */
async function keySigner(
  opts: SigningOptions & TrustOptions,
  keyPath: string,
  cosign: CosignTool,
  deps: Deps,
): Promise<Signer> {
  const { kmsScheme } = await import('../tools/kms.js');
  const scheme = kmsScheme(keyPath);
  if (scheme !== undefined) return kmsSigner(opts, keyPath, scheme, cosign, deps);
  const key = resolve(keyPath);
  try {
    await access(key);
  } catch (e) {
    throw usageError(`--key ${keyPath}: no such file`, "pass cosign's private key file (cosign generate-key-pair)", e);
  }
  const { resolveKeyPassword } = await import('../secrets/key-password.js');
  const { password, source } = await resolveKeyPassword(opts, deps.env, deps.readStdin);
  maskSecrets(deps.env, [password]);
  deps.log.debug(`key password from ${source}`);
  return {
    cosign,
    credential: { kind: 'key', key, password, tlogUpload: opts.tlogUpload ?? true },
    services: signingServices(opts),
    secrets: password === '' ? [] : [password],
  };
}

/**
 * A KMS key: cosign signs through the provider, which takes its credentials from its own variables.
 * They go to that one cosign run (named in --debug, never their values), and nowhere else.
 */
async function kmsSigner(
  opts: SigningOptions & TrustOptions,
  uri: string,
  scheme: KmsScheme,
  cosign: CosignTool,
  deps: Deps,
): Promise<Signer> {
  if (opts.keyPasswordStdin)
    throw usageError('--key-password-stdin does not apply to a KMS key', `${scheme} needs no password`);
  const { kmsEnvironment, isCredentialVariable } = await import('../tools/kms.js');
  const providerEnv = kmsEnvironment(scheme, deps.env);
  const secrets = Object.entries(providerEnv)
    .filter(([name, value]) => isCredentialVariable(name) && value !== '')
    .map(([, value]) => value);
  maskSecrets(deps.env, secrets);
  const names = Object.keys(providerEnv).sort();
  deps.log.debug(
    `KMS ${scheme}: passing ${names.length > 0 ? names.join(', ') : 'no variables'} to cosign (this signing run only)`,
  );
  return {
    cosign,
    credential: { kind: 'key', key: uri, password: '', tlogUpload: opts.tlogUpload ?? true, providerEnv },
    services: signingServices(opts),
    secrets,
  };
}

function signingServices(opts: SigningOptions & TrustOptions): SigstoreServices {
  return {
    signingConfigPath: opts.signingConfig && resolve(opts.signingConfig),
    trustedRootPath: opts.trustedRoot && resolve(opts.trustedRoot),
  };
}

/**
 * Who may have signed: --policy FILE, else the signer flags, else the file GHCR_BLOB_POLICY names.
 * Never a mix: --policy beside a signer flag is a usage error, and signer flags replace the
 * environment's policy whole. `repository` (`host/path`; none for a local file) picks a policy
 * file's per-repository signers.
 */
export async function prepareSigners(
  opts: PolicyOptions,
  deps: Deps,
  repository: string | undefined,
): Promise<AcceptedSigner[]> {
  const flags = signerFlagsGiven(opts);
  const fromEnv = deps.env[POLICY_ENV] || undefined;
  // Loaded on demand: the RE2 engine (and a YAML parser) are only needed when verifying.
  const { buildSignerPolicy, readPolicyFile, signersFromFile } = await import('./policy-file.js');
  const fromFile = async (path: string, via: string) => {
    const signers = await signersFromFile(await readPolicyFile(path, via), path, repository, (w) => deps.log.info(w));
    deps.log.debug(`policy: ${signers.length} signer(s) from ${path} (${via})`);
    return signers;
  };
  if (opts.policy !== undefined) {
    if (flags.length > 0) {
      throw usageError(
        `--policy and ${flags.join(', ')} conflict: with --policy, the file names every accepted signer`,
        'add that signer to the policy file, or drop --policy',
      );
    }
    return fromFile(opts.policy, '--policy');
  }
  if (flags.length === 0) {
    if (fromEnv !== undefined) return fromFile(fromEnv, POLICY_ENV);
    throw usageError(
      "verifying needs the signer's identity: pass --github-workflow, --gitlab-pipeline, or " +
        `--certificate-identity(-regexp) with an issuer, or --key, or a policy file (--policy FILE or ${POLICY_ENV})`,
      'e.g. --github-workflow octo/tools/.github/workflows/release.yml@refs/tags/v1.2.0',
    );
  }
  if (fromEnv !== undefined) deps.log.info(`${POLICY_ENV} is not used: the command line names the signer`);
  const policy = await buildSignerPolicy(opts);
  for (const warning of policy.warnings) deps.log.info(warning);
  return [{ policy, predicateType: opts.predicateType ?? DEFAULT_PREDICATE_TYPE }];
}

/** Policy, cosign and trust material, settled before anything is downloaded. */
export async function prepareVerification(
  opts: PolicyOptions & ToolOptions & Partial<NameBindingOptions>,
  deps: Deps,
  repository?: string,
): Promise<PreparedCheck> {
  return prepareTrust(opts, deps, await prepareSigners(opts, deps, repository));
}

/** Trust material and cosign for a check whose signers are settled (prepareVerification). */
async function prepareTrust(
  opts: PolicyOptions & ToolOptions & Partial<NameBindingOptions>,
  deps: Deps,
  signers: AcceptedSigner[],
): Promise<PreparedCheck> {
  const trustedRootPath = opts.trustedRoot && resolve(opts.trustedRoot);
  const cache = trustedRootPath
    ? undefined
    : await useTufCache(opts, deps, opts.engine === 'sigstore' ? ['sigstore-js'] : ['sigstore-js', 'cosign']);
  // Independent of each other: cosign's detection and the trust material load side by side.
  const [cosign, trustedRoot] = await Promise.all([
    opts.engine === 'sigstore' ? undefined : findCosign(opts, deps),
    trustedRootPath
      ? import('../verify/trusted-root.js').then(({ loadTrustedRoot }) => loadTrustedRoot(trustedRootPath))
      : publicGoodRoot(deps, cache?.sigstoreJs),
  ]);
  if (!cosign) deps.log.info('Using the in-process verifier only (--engine sigstore); cosign is not consulted');
  return {
    signers,
    cosign,
    trustedRoot,
    trustedRootPath,
    engine: opts.engine,
    requireName: opts.requireName === true,
  };
}

/**
 * prepareVerification and connectRegistry, for the commands that need both. The signers first:
 * a policy that cannot be used contacts no registry. Then the registry session, whose fence warms
 * up (registry-fence.ts) across the network while the trust material and cosign's detection load,
 * most of the CPU spent before the first oras starts. The verification's failure wins, as when it
 * ran first, and a registry session opened meanwhile is disposed.
 */
export async function prepareVerificationAndConnect(
  opts: PolicyOptions & ToolOptions & AuthOptions & RemoteOptions & Partial<NameBindingOptions>,
  deps: Deps,
  ref: Reference,
): Promise<{ check: PreparedCheck; oras: Oras }> {
  const signers = await prepareSigners(opts, deps, repositoryOf(ref));
  const [oras] = await Promise.allSettled([connectRegistry(opts, deps, { ref, access: 'pull' })]);
  const [check] = await Promise.allSettled([prepareTrust(opts, deps, signers)]);
  if (check.status === 'rejected') {
    if (oras.status === 'fulfilled') await oras.value.dispose();
    throw check.reason;
  }
  if (oras.status === 'rejected') throw oras.reason;
  return { check: check.value, oras: oras.value };
}

/**
 * A TUF fetch, bounded like every other wait. The TUF client downloads through temp folders of
 * its own under os.tmpdir(); one given up on at the deadline would stay, so TMPDIR points into a
 * private folder, removed whatever happens. Only cosign's detection (`cosign sign-blob --help`,
 * which writes no temp files) runs meanwhile: verification is prepared before the registry is contacted.
 */
export async function throughTuf<T>(deps: Deps, work: () => Promise<T>, what: string): Promise<T> {
  const scratch = await privateTempDir();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch.path;
  try {
    return await withDeadline(
      work(),
      deps.deadlines.stepMs,
      () =>
        new GhcrBlobError(
          'REGISTRY_UNREACHABLE',
          `${what} did not finish within ${formatDuration(deps.deadlines.stepMs)}`,
          {
            recommendation: `${TIMEOUT_HINT}; or pass --trusted-root FILE to verify offline`,
          },
        ),
    );
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await scratch.dispose();
  }
}

/** The public-good root over the network (TUF), cached where --tuf-cache says (or the client's default). */
async function publicGoodRoot(deps: Deps, cachePath: string | undefined) {
  const { loadTrustedRoot } = await import('../verify/trusted-root.js');
  const { fetchPublicGoodTrustedRoot } = await import('../verify/public-good-root.js');
  return throughTuf(
    deps,
    () => loadTrustedRoot(undefined, () => fetchPublicGoodTrustedRoot(cachePath === undefined ? {} : { cachePath })),
    'getting the Sigstore trusted root',
  );
}
