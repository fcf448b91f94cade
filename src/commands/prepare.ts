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
import type { VerificationCheck } from '../evidence/verify-file.js';
import type { AuthOptions } from '../options/auth.js';
import { DEFAULT_PREDICATE_TYPE, type PolicyOptions, refuseMixedPolicy } from '../options/policy.js';
import type { RemoteOptions } from '../options/remote.js';
import type { SigningOptions } from '../options/signing.js';
import type { ToolOptions } from '../options/tools.js';
import type { TrustOptions } from '../options/trust.js';
import { resolveIdentityToken } from '../secrets/identity-token.js';
import { resolveCredentials } from '../secrets/registry-token.js';
import { type CosignTool, detectCosign, type SigstoreServices } from '../tools/cosign.js';
import { locateTool } from '../tools/locate.js';
import type { KmsScheme } from '../tools/kms.js';
import type { Signer } from '../tools/signer.js';
import type { VerificationPolicy } from '../verify/policy.js';
import { detectOras, type Oras, type OrasTool, openOras, type Transport } from '../tools/oras.js';
import type { Deps } from './deps.js';
import { maskSecrets } from './github.js';

export async function findOras(opts: ToolOptions, deps: Deps): Promise<OrasTool> {
  return detectOras(await locateTool('oras', opts.oras, deps.env), deps.run, deps.toolCache);
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

/** The caller owns the session: `dispose()` removes its private registry config. */
export async function connectRegistry(opts: AuthOptions & RemoteOptions & ToolOptions, deps: Deps): Promise<Oras> {
  const transport = await transportFrom(opts);
  const credentials = await resolveCredentials(opts, deps.env, deps.readStdin);
  maskSecrets(deps.env, [credentials?.secret]);
  return openOras(await findOras(opts, deps), deps.run, transport, credentials, {
    authHost: opts.authHost,
    timeoutMs: deps.deadlines.stepMs,
    warn: (message) => deps.log.info(message),
  });
}

/**
 * The one signer of a signing command: cosign, the credential it signs with, and the Sigstore
 * instance. Settled before anything is pushed or signed; every secret read is masked at once.
 */
export async function prepareSigner(opts: SigningOptions & TrustOptions & ToolOptions, deps: Deps): Promise<Signer> {
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

/** Policy, cosign and trust material, settled before anything is downloaded. */
export async function prepareVerification(opts: PolicyOptions & ToolOptions, deps: Deps): Promise<VerificationCheck> {
  refuseMixedPolicy(opts);
  // Loaded on demand: the RE2 engine and the Sigstore stack are only needed when verifying.
  const policy: VerificationPolicy =
    opts.key === undefined
      ? (await import('../verify/policy.js')).buildIdentityPolicy(opts)
      : await (await import('../verify/key-policy.js')).loadKeyPolicy(resolve(opts.key), opts.tlogUpload ?? true);
  for (const warning of policy.warnings) deps.log.info(warning);
  const trustedRootPath = opts.trustedRoot && resolve(opts.trustedRoot);
  // Independent of each other: cosign's detection and the trust material load side by side.
  const [cosign, trustedRoot] = await Promise.all([
    opts.engine === 'sigstore' ? undefined : findCosign(opts, deps),
    trustedRootPath
      ? import('../verify/trusted-root.js').then(({ loadTrustedRoot }) => loadTrustedRoot(trustedRootPath))
      : publicGoodRoot(deps),
  ]);
  if (!cosign) deps.log.info('Using the in-process verifier only (--engine sigstore); cosign is not consulted');
  return {
    policy,
    cosign,
    trustedRoot,
    trustedRootPath,
    engine: opts.engine,
    predicateType: opts.predicateType ?? DEFAULT_PREDICATE_TYPE,
  };
}

/**
 * prepareVerification and connectRegistry side by side (cosign's detection and the trust material
 * beside oras's detection), for the commands that need both. The verification's failure wins, as
 * when it ran first, and a registry session opened meanwhile is disposed.
 */
export async function prepareVerificationAndConnect(
  opts: PolicyOptions & ToolOptions & AuthOptions & RemoteOptions,
  deps: Deps,
): Promise<{ check: VerificationCheck; oras: Oras }> {
  const [check, oras] = await Promise.allSettled([prepareVerification(opts, deps), connectRegistry(opts, deps)]);
  if (check.status === 'rejected') {
    if (oras.status === 'fulfilled') await oras.value.dispose();
    throw check.reason;
  }
  if (oras.status === 'rejected') throw oras.reason;
  return { check: check.value, oras: oras.value };
}

/**
 * The public-good root comes over the network (TUF): bounded like every other wait. The TUF
 * client downloads through temp folders of its own under os.tmpdir(); one given up on at the
 * deadline would stay, so TMPDIR points into a private folder, removed whatever happens.
 * Only cosign's detection (`cosign sign-blob --help`, which writes no temp files) runs meanwhile:
 * verification is prepared before the registry is contacted.
 */
async function publicGoodRoot(deps: Deps) {
  const { loadTrustedRoot } = await import('../verify/trusted-root.js');
  const scratch = await privateTempDir();
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = scratch.path;
  try {
    return await withDeadline(
      loadTrustedRoot(undefined),
      deps.deadlines.stepMs,
      () =>
        new GhcrBlobError(
          'REGISTRY_UNREACHABLE',
          `getting the Sigstore trusted root did not finish within ${formatDuration(deps.deadlines.stepMs)}`,
          { recommendation: `${TIMEOUT_HINT}; or pass --trusted-root FILE to verify offline` },
        ),
    );
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await scratch.dispose();
  }
}
