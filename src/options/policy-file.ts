/**
 * A policy file (--policy FILE, GHCR_BLOB_POLICY): the signers any one of whom may sign, each
 * spelled with the policy flags' own names in camelCase, optionally per repository. Shape and
 * repository patterns only; no IO: commands/policy-file.ts reads the file and builds every signer
 * through the same checks as the flags.
 */
import * as z from 'zod';
import { policyOptionsSchema } from './policy.js';

/** One signer: what the signer flags say, nothing else (trust and engine stay on the command line). */
export const signerSchema = policyOptionsSchema.omit({ trustedRoot: true, engine: true, policy: true }).strict();
export type SignerSpec = z.infer<typeof signerSchema>;

const MAX_SIGNERS = 32;
const MAX_REPOSITORY_RULES = 64;

const signersSchema = z.array(signerSchema).min(1, 'name at least one signer').max(MAX_SIGNERS);

/**
 * `HOST[:PORT]/PATH`, lower case, no tag or digest; `*` stands for any characters within one path
 * component (or the host), `**` for any characters across components.
 */
const REPOSITORY_PATTERN = /^[a-z0-9.*-]+(?::[0-9]+)?(?:\/[a-z0-9._*-]+)+$/;

const repositoryPatternSchema = z
  .string()
  .regex(
    REPOSITORY_PATTERN,
    'must be HOST/PATH in lower case, with * (within a component) or ** (across components), no tag or digest, e.g. ghcr.io/octo/*',
  )
  .refine((p) => !p.includes('***'), 'has ***: use * or **');

export const policyFileSchema = z
  .strictObject({
    signers: signersSchema.optional(),
    repositories: z
      .array(z.strictObject({ match: repositoryPatternSchema, signers: signersSchema }))
      .min(1)
      .max(MAX_REPOSITORY_RULES)
      .optional(),
  })
  .refine((p) => p.signers !== undefined || p.repositories !== undefined, 'name signers, repositories, or both');
export type PolicyFile = z.infer<typeof policyFileSchema>;

/** The pattern as an anchored regular expression over `host/repository`. */
function patternRegExp(pattern: string): RegExp {
  const parts = pattern.split(/(\*\*|\*)/).map((part) => {
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.\\+?^${}()|[\]-]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

/**
 * A host as rules compare it: lower case (host names are case-insensitive), and without `:443`
 * (https's own port: `ghcr.io:443` is ghcr.io, and must not step around a rule for it).
 */
function comparableHost(hostAndPath: string): string {
  const slash = hostAndPath.indexOf('/');
  if (slash < 0) return hostAndPath;
  const host = hostAndPath.slice(0, slash).toLowerCase().replace(/:443$/, '');
  return `${host}${hostAndPath.slice(slash)}`;
}

/**
 * Whether `repository` (`host/path`, as the reference names it) matches `pattern`.
 * Why exact (anchored, whole string): `ghcr.io/octo/tools` must not also match
 * `ghcr.io/octo/tools-evil` or `ghcr.io/octo/tools/x`, nor `*` cross a `/`. Hosts are compared as
 * `comparableHost` spells them, on both sides.
 */
export function repositoryMatches(pattern: string, repository: string): boolean {
  return patternRegExp(comparableHost(pattern)).test(comparableHost(repository));
}

/**
 * The signers that apply to `repository`: those of the first `repositories` rule (in file order)
 * that matches it, else the top-level `signers`. Undefined when neither applies. A local file
 * (no repository) gets the top-level signers.
 */
export function signersFor(
  file: PolicyFile,
  repository: string | undefined,
): { signers: SignerSpec[]; at: string; match?: string } | undefined {
  if (repository !== undefined) {
    const i = (file.repositories ?? []).findIndex((rule) => repositoryMatches(rule.match, repository));
    const rule = file.repositories?.[i];
    if (rule) return { signers: rule.signers, at: `repositories[${i}].signers`, match: rule.match };
  }
  return file.signers && { signers: file.signers, at: 'signers' };
}
