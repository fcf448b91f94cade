/**
 * The cosign adapter: one interface, two generations. cosign 3 takes a SigningConfig and a
 * TrustedRoot file; cosign 2.5 takes service URLs as flags, trust as SIGSTORE_* variables
 * (file paths, never secrets) and needs --new-bundle-format. The identity token reaches cosign
 * only through a FIFO (see fifo.ts), never argv or environment.
 */
import { GhcrBlobError, verificationError } from '../core/errors.js';
import { privateTempDir } from '../core/fs.js';
import { errorLine } from './child-output.js';
import type { Runner } from './exec.js';
import { createSecretFifo } from './fifo.js';
import { INSTALL_HINTS } from './locate.js';

export interface CosignTool {
  path: string;
  generation: 2 | 3;
}

export async function detectCosign(path: string, run: Runner): Promise<CosignTool> {
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
  identityToken: string;
  signingConfigPath?: string;
  trustedRootPath?: string;
  cosign2?: Cosign2Services;
}

/**
 * What cosign checks the bundle against: a file (cosign reads ALL of it into memory), or the
 * file's sha256 as we computed it while streaming (lower-case hex): cosign then never holds the blob.
 */
export type BlobInput = { file: string } | { sha256: string };

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

export async function signBlob(tool: CosignTool, run: Runner, req: SignBlobRequest): Promise<void> {
  const fifo = await createSecretFifo(req.identityToken);
  try {
    const args = ['sign-blob', '--yes', '--bundle', req.bundlePath, '--identity-token', fifo.path];
    let env: Record<string, string> = {};
    if (tool.generation === 3) {
      if (req.signingConfigPath) args.push('--signing-config', req.signingConfigPath);
      if (req.trustedRootPath) args.push('--trusted-root', req.trustedRootPath);
    } else {
      args.push('--new-bundle-format');
      if (req.cosign2) {
        args.push('--fulcio-url', req.cosign2.fulcioUrl, '--rekor-url', req.cosign2.rekorUrl);
        if (req.cosign2.tsaUrl) args.push('--timestamp-server-url', req.cosign2.tsaUrl);
        env = req.cosign2.env;
      }
    }
    args.push('--', req.file);
    const done = run({ file: tool.path, args, env, secrets: [req.identityToken] });
    await fifo.feed(done);
    const out = await done;
    if (out.exitCode !== 0) {
      const cause = cosignCause(out.stderr);
      // Fulcio refusing the token is an authentication failure, not a bug.
      const refused = /\b(401|403)\b|unauthorized|forbidden|invalid identity token|token.*expired/i.test(out.stderr);
      throw new GhcrBlobError(refused ? 'AUTH_FAILED' : 'INTERNAL', `cosign sign-blob failed: ${cause}`, {
        recommendation: 'check the identity token (audience "sigstore", not expired) and the Sigstore services',
      });
    }
  } finally {
    await fifo.dispose();
  }
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
  // cosign 2.5 and 3.x take `sha256:<hex>` in place of the blob (undocumented; pinned by
  // test/e2e/cosign-digest.test.ts) but try it as a path first: cosign runs in a fresh private
  // folder, where no file of that name exists and nobody else can create one.
  if (!/^[a-f0-9]{64}$/.test(req.blob.sha256)) throw new GhcrBlobError('INTERNAL', 'not a sha256 digest');
  args.push('--', `sha256:${req.blob.sha256}`);
  const cwd = await privateTempDir();
  try {
    const out = await run({ file: tool.path, args, cwd: cwd.path, ...(req.onSpawn ? { onSpawn: req.onSpawn } : {}) });
    if (out.exitCode === 0) return;
    const cause = cosignCause(out.stderr);
    // cosign 3, unable to read the bundle, falls back to reading the digest as a file and says
    // "open sha256:…: no such file or directory": the trouble is the bundle, so say that.
    if (/open sha256:[0-9a-f]{64}: no such file/.test(cause)) {
      throw verificationError(
        `cosign ${tool.generation} could not read the bundle ${req.bundlePath}: it is not a Sigstore bundle cosign understands`,
      );
    }
    throw verificationError(`cosign rejected the signature: ${cause}`);
  } finally {
    await cwd.dispose();
  }
}
