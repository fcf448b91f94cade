/**
 * The cosign adapter: one interface, two generations. cosign 3 takes a SigningConfig and a
 * TrustedRoot file; cosign 2.5 takes service URLs as flags, trust as SIGSTORE_* variables
 * (file paths, never secrets) and needs --new-bundle-format. The identity token reaches cosign
 * only through a FIFO (see fifo.ts), never argv or environment.
 */
import * as z from 'zod';
import { GhcrBlobError, verificationError } from '../core/errors.js';
import { privateTempDir } from '../core/fs.js';
import { errorLine } from './child-output.js';
import { cachedDetection, type DetectionCache } from './detection-cache.js';
import type { Runner } from './exec.js';
import { createSecretFifo } from './fifo.js';
import { INSTALL_HINTS } from './locate.js';
import type { KeyCredential, SignerCredential } from './signer.js';

export interface CosignTool {
  path: string;
  generation: 2 | 3;
}

const cosignDetectionSchema = z.object({ generation: z.union([z.literal(2), z.literal(3)]) });

/** `cosign sign-blob --help`, remembered per binary in `cache` (detection-cache.ts). */
export async function detectCosign(path: string, run: Runner, cache?: DetectionCache): Promise<CosignTool> {
  const found = await cachedDetection(cache, 'cosign sign-blob --help', path, cosignDetectionSchema, async () => ({
    generation: (await probeCosign(path, run)).generation,
  }));
  return { path, ...found };
}

async function probeCosign(path: string, run: Runner): Promise<CosignTool> {
  // Debian builds print "GitVersion: devel"; the flags tell the generations apart.
  const help = await run({ file: path, args: ['sign-blob', '--help'] });
  const text = help.stdout + help.stderr;
  if (help.exitCode !== 0 || !text.includes('--identity-token')) {
    throw new GhcrBlobError('TOOL_MISSING', `${path} does not look like cosign`, {
      recommendation: INSTALL_HINTS.cosign,
    });
  }
  if (text.includes('--signing-config')) return { path, generation: 3 };
  if (text.includes('--new-bundle-format')) return { path, generation: 2 };
  throw new GhcrBlobError('TOOL_MISSING', 'this cosign is too old (need 2.5 or later)', {
    recommendation: INSTALL_HINTS.cosign,
  });
}

/**
 * The release a cosign build reports (`GitVersion: v3.1.1`), or undefined when it reports none:
 * distribution builds print `GitVersion: devel`. Only doctor asks (one more process).
 */
export async function cosignVersion(tool: CosignTool, run: Runner): Promise<string | undefined> {
  const out = await run({ file: tool.path, args: ['version'] });
  if (out.exitCode !== 0) return undefined;
  return /^GitVersion:\s*v?(\d+\.\d+\.\d+)\b/m.exec(out.stdout + out.stderr)?.[1];
}

/** Which Sigstore instance signs: files given by the user (absolute paths), or public-good. */
export interface SigstoreServices {
  signingConfigPath?: string;
  trustedRootPath?: string;
}

/** Private Sigstore instance for cosign 2, derived from a SigningConfig and a TrustedRoot. */
export interface Cosign2Services {
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl?: string;
  /** SIGSTORE_ROOT_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, SIGSTORE_REKOR_PUBLIC_KEY: paths. */
  env: Record<string, string>;
}

export interface SignBlobRequest {
  file: string;
  bundlePath: string;
  credential: SignerCredential;
  /** Kept out of everything cosign's output becomes (the credential's own secret always is). */
  secrets?: readonly string[];
  signingConfigPath?: string;
  trustedRootPath?: string;
  cosign2?: Cosign2Services;
  /** Sign an in-toto statement about the file (`cosign attest-blob`) instead of its bytes. */
  statement?: StatementRequest;
}

/**
 * `cosign attest-blob --hash H --predicate P --type URI -- NAME` (cosign 2.5 and 3): cosign builds
 * the statement itself, subject `{name: basename(NAME), digest: {sha256: H}}`, predicate as given
 * (a type URI cosign does not know is used as is), and never reads a file: the caller hashed it.
 * cosign 2.5 has no --statement, so the subject name is a file name and the repository goes in
 * the predicate.
 */
export interface StatementRequest {
  /** Lower-case hex sha256 of the file, as the caller read it. */
  sha256: string;
  /** The subject's name: a plain file name (cosign keeps only the last path component). */
  subjectName: string;
  predicatePath: string;
  predicateType: string;
}

/** What is signed: the file's bytes (`sign-blob`), or a statement about them (`attest-blob`). */
export function signedSubjectArgs(req: Pick<SignBlobRequest, 'file' | 'statement'>): { verb: string; tail: string[] } {
  const s = req.statement;
  if (!s) return { verb: 'sign-blob', tail: ['--', req.file] };
  if (!/^[a-f0-9]{64}$/.test(s.sha256)) throw new GhcrBlobError('INTERNAL', 'not a sha256 digest');
  return {
    verb: 'attest-blob',
    tail: ['--hash', s.sha256, '--predicate', s.predicatePath, '--type', s.predicateType, '--', s.subjectName],
  };
}

/**
 * What cosign checks the bundle against: a file (cosign reads ALL of it into memory), or the
 * file's sha256 as we computed it while streaming (lower-case hex): cosign then never holds the blob.
 */
/** The file itself, its sha256 (hex), or any digest cosign takes in place of it (`sha512:<hex>`). */
export type BlobInput = { file: string } | { sha256: string } | { digest: string };

export interface VerifyBlobRequest {
  blob: BlobInput;
  bundlePath: string;
  trustedRootPath?: string;
  /** e.g. ['--certificate-identity', X, '--certificate-oidc-issuer', Y] */
  policyFlags: readonly string[];
  /**
   * The trusted root lists no transparency log (timestamps only): cosign must not ask for a log
   * entry. cosign then also stops asking for a timestamp, so the caller must have required one.
   */
  noTransparencyLog?: boolean;
  /** The trusted root lists no CT log: certificates carry no SCT (GitHub's own instance). */
  noCtLog?: boolean;
  /** Called once cosign has been started. */
  onSpawn?: () => void;
}

/** The line cosign ends on when it fails ("Error: …"). */
const cosignCause = (stderr: string): string =>
  errorLine(stderr, { from: 'last', match: /^Error:|^main\.go/, strip: /^(main\.go:\d+:\s*)?Error:\s*/ });

/** Which Sigstore services cosign signs with, as each generation takes them. */
function serviceArgs(
  tool: CosignTool,
  req: SignBlobRequest,
  tlogUpload: boolean,
): { args: string[]; env: Record<string, string> } {
  const args: string[] = [];
  if (tool.generation === 3) {
    // cosign 3 refuses --tlog-upload=false beside a signing config: the caller hands it one without logs.
    if (req.signingConfigPath) args.push('--signing-config', req.signingConfigPath);
    else if (!tlogUpload) args.push('--use-signing-config=false', '--tlog-upload=false');
    if (req.trustedRootPath) args.push('--trusted-root', req.trustedRootPath);
    return { args, env: {} };
  }
  args.push('--new-bundle-format');
  if (!tlogUpload) args.push('--tlog-upload=false');
  if (!req.cosign2) return { args, env: {} };
  args.push('--fulcio-url', req.cosign2.fulcioUrl);
  if (tlogUpload) args.push('--rekor-url', req.cosign2.rekorUrl);
  if (req.cosign2.tsaUrl) args.push('--timestamp-server-url', req.cosign2.tsaUrl);
  return { args, env: req.cosign2.env };
}

/**
 * Go's words for a service it could not reach (DNS, refused or reset connections, TLS, proxies,
 * timeouts): cosign passes them on from Fulcio, Rekor, the TSA or the TUF repository.
 */
const UNREACHABLE =
  /dial tcp|no such host|connection refused|connection reset|network is unreachable|i\/o timeout|TLS handshake|x509:|proxyconnect|context deadline exceeded|Client\.Timeout/i;

function signFailure(stderr: string, verb: string): GhcrBlobError {
  const cause = cosignCause(stderr);
  // Fulcio refusing the token is an authentication failure, not a bug.
  if (/\b(401|403)\b|unauthorized|forbidden|invalid identity token|token.*expired/i.test(stderr)) {
    return new GhcrBlobError('AUTH_FAILED', `cosign ${verb} failed: ${cause}`, {
      recommendation: 'check the identity token (audience "sigstore", not expired) and the Sigstore services',
    });
  }
  if (UNREACHABLE.test(stderr)) {
    return new GhcrBlobError('REGISTRY_UNREACHABLE', `cosign ${verb} could not reach a Sigstore service: ${cause}`, {
      recommendation:
        'check network access to Fulcio, Rekor, the timestamp authority and (without --trusted-root) the TUF repository tuf-repo-cdn.sigstore.dev; HTTPS_PROXY is passed on to cosign',
    });
  }
  return new GhcrBlobError('INTERNAL', `cosign ${verb} failed: ${cause}`, {
    recommendation: 'check the identity token (audience "sigstore", not expired) and the Sigstore services',
  });
}

export async function signBlob(tool: CosignTool, run: Runner, req: SignBlobRequest): Promise<void> {
  if (req.credential.kind === 'key') return signBlobWithKey(tool, run, req, req.credential);
  const token = req.credential.identityToken;
  const fifo = await createSecretFifo(token);
  try {
    const services = serviceArgs(tool, req, true);
    const { verb, tail } = signedSubjectArgs(req);
    const args = [verb, '--yes', '--bundle', req.bundlePath, '--identity-token', fifo.path, ...services.args, ...tail];
    const done = run({
      file: tool.path,
      args,
      env: services.env,
      secrets: [...new Set([token, ...(req.secrets ?? [])])],
    });
    await fifo.feed(done);
    const out = await done;
    if (out.exitCode !== 0) throw signFailure(out.stderr, verb);
  } finally {
    await fifo.dispose();
  }
}

/**
 * `cosign sign-blob --key`: with COSIGN_PASSWORD absent from its environment and stdin not a
 * terminal, cosign reads all of stdin as the key's password (no newline stripped), so the
 * password goes there and nowhere else.
 */
async function signBlobWithKey(tool: CosignTool, run: Runner, req: SignBlobRequest, key: KeyCredential): Promise<void> {
  const services = serviceArgs(tool, req, key.tlogUpload);
  const { verb, tail } = signedSubjectArgs(req);
  const args = [verb, '--yes', '--bundle', req.bundlePath, '--key', key.key, ...services.args, ...tail];
  const out = await run({
    file: tool.path,
    args,
    env: { ...services.env, ...key.providerEnv },
    stdin: key.password,
    secrets: [...new Set([key.password, ...(req.secrets ?? [])])].filter((s) => s !== ''),
  });
  if (out.exitCode === 0) return;
  if (/decrypt|encrypted: decryption failed|incorrect password/i.test(out.stderr)) {
    throw new GhcrBlobError('AUTH_FAILED', `cosign could not decrypt the signing key ${key.key}: wrong password`, {
      recommendation: 'pass the key password with --key-password-stdin (or COSIGN_PASSWORD); no bundle was written',
    });
  }
  // A KMS refusing the provider's credentials (AWS, Google, Azure, Vault say it in their own words).
  if (
    key.providerEnv &&
    /UnrecognizedClientException|AccessDenied|InvalidSignature|permission denied|\b(401|403)\b|unauthori[sz]ed/i.test(
      out.stderr,
    )
  ) {
    throw new GhcrBlobError('AUTH_FAILED', `the KMS refused to sign with ${key.key}: ${cosignCause(out.stderr)}`, {
      recommendation: "check the provider's credential variables (README: Signing with a key); no bundle was written",
    });
  }
  throw new GhcrBlobError('INTERNAL', `cosign ${verb} --key failed: ${cosignCause(out.stderr)}`, {
    recommendation: 'check the key file (a cosign private key) and the Sigstore services',
  });
}

export async function verifyBlob(tool: CosignTool, run: Runner, req: VerifyBlobRequest): Promise<void> {
  const args = ['verify-blob', '--bundle', req.bundlePath, ...req.policyFlags];
  if (tool.generation === 2) args.push('--new-bundle-format');
  if (req.trustedRootPath) args.push('--trusted-root', req.trustedRootPath);
  if (req.noTransparencyLog) args.push('--insecure-ignore-tlog');
  if (req.noCtLog) args.push('--insecure-ignore-sct');
  if ('file' in req.blob) {
    args.push('--', req.blob.file);
    const out = await run({ file: tool.path, args, ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}) });
    if (out.exitCode !== 0) throw verificationError(`cosign rejected the signature: ${cosignCause(out.stderr)}`);
    return;
  }
  // cosign 2.5 and 3.x take `sha256:<hex>` (and `sha512:<hex>`) in place of the blob (undocumented; pinned by
  // test/e2e/cosign-digest.test.ts) but try it as a path first: cosign runs in a fresh private
  // folder, where no file of that name exists and nobody else can create one.
  const digest = 'sha256' in req.blob ? `sha256:${req.blob.sha256}` : req.blob.digest;
  // sha384/sha512 too: a statement subject (npm provenance) or a P-384/P-521 signature may name them.
  if (!/^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/.test(digest)) {
    throw new GhcrBlobError('INTERNAL', 'not a sha256/sha384/sha512 digest');
  }
  args.push('--', digest);
  const cwd = await privateTempDir();
  try {
    const out = await run({ file: tool.path, args, cwd: cwd.path, ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}) });
    if (out.exitCode === 0) return;
    const cause = cosignCause(out.stderr);
    // cosign 3, unable to read the bundle, falls back to reading the digest as a file and says
    // "open sha256:…: no such file or directory": the trouble is the bundle, so say that.
    if (/open sha256:[0-9a-f]{64}: no such file/.test(cause)) {
      throw verificationError(
        `cosign ${tool.generation} could not read the bundle ${req.bundlePath}: something in it (its shape, or an entry kind such as a Rekor v2 DSSE entry) is not what this cosign can load`,
      );
    }
    throw verificationError(`cosign rejected the signature: ${cause}`);
  } finally {
    await cwd.dispose();
  }
}
