/**
 * Keyless signing with Sigstore's public-good instance writes the signing certificate to Rekor,
 * a public, append-only log. For a GitHub Actions token that certificate names the repository,
 * the workflow file, the ref and the commit. From a private or internal repository that would
 * publish what the repository keeps private, so ghcr-blob refuses unless told otherwise:
 * --allow-public-log, or a --signing-config whose transparency log is not public-good's.
 * The token's own visibility claim says which case this is: `repository_visibility` (GitHub
 * Actions), `project_visibility` (GitLab CI, whose certificate names the project, the CI config
 * file, the ref and the commit).
 */
import * as z from 'zod';
import { usageError } from '../core/errors.js';
import { parseUntrustedJson, readSmallFile } from '../core/json-input.js';
import { printableLine } from '../core/printable.js';

const claimsSchema = z
  .object({
    repository_visibility: z.string().optional(),
    repository: z.string().optional(),
    job_workflow_ref: z.string().optional(),
    project_visibility: z.string().optional(),
    project_path: z.string().optional(),
  })
  .loose();
export type VisibilityClaims = z.infer<typeof claimsSchema>;

/** The token's claims, unverified (the signer checks the token; this only reads what it says). */
export function tokenClaims(token: string): VisibilityClaims {
  const payload = token.split('.')[1] ?? '';
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Any transparency log under sigstore.dev is the public-good one. */
const PUBLIC_GOOD_HOST = /(^|\.)sigstore\.dev$/i;
const signingConfigLogs = z
  .object({ rekorTlogUrls: z.array(z.object({ url: z.string() }).loose()).default([]) })
  .loose();

async function logsArePublicGood(signingConfig: string | undefined): Promise<boolean> {
  if (!signingConfig) return true; // no signing config: cosign signs with public-good
  const text = await readSmallFile(signingConfig, 'signing config');
  const config = parseUntrustedJson(text, signingConfigLogs, {
    source: `signing config ${signingConfig}`,
    what: 'a Sigstore SigningConfig',
    code: 'USAGE',
  });
  return config.rekorTlogUrls.some((log) => {
    try {
      return PUBLIC_GOOD_HOST.test(new URL(log.url).hostname);
    } catch {
      return false;
    }
  });
}

export async function refusePublicLogForPrivateRepository(
  token: string,
  opts: { allowPublicLog: boolean; signingConfig?: string },
): Promise<void> {
  if (opts.allowPublicLog) return;
  const claims = tokenClaims(token);
  // Either claim saying anything but public is enough: a token is never trusted to be public by half.
  const visibility = [claims.repository_visibility, claims.project_visibility].find(
    (v) => v !== undefined && v !== 'public',
  );
  if (visibility === undefined) return;
  if (!(await logsArePublicGood(opts.signingConfig))) return;
  const repository = printableLine(claims.repository ?? claims.project_path ?? 'this repository', 200);
  throw usageError(
    `refusing to sign from ${visibility} repository ${repository} to the public transparency log: the repository's name, workflow, ref and commit would become public in Rekor, for good`,
    'pass --allow-public-log if that is fine, or --signing-config FILE for a private Sigstore instance',
  );
}
