/**
 * Reads a policy file (--policy FILE or GHCR_BLOB_POLICY) and builds every signer in it through the
 * very checks the flags go through (anchoring, exactness, identity AND issuer, key XOR identity,
 * match-anything refused): a file is never more lenient than the flags. Any problem is a usage
 * error (exit 2) naming the file and the entry's path in it.
 */
import { dirname, extname, resolve } from 'node:path';
import { GhcrBlobError, isGhcrBlobError, usageError } from '../core/errors.js';
import { checkUntrustedJson, parseJson, readSmallFile } from '../core/json-input.js';
import { type PolicyFile, policyFileSchema, type SignerSpec, signersFor } from '../options/policy-file.js';
import { DEFAULT_PREDICATE_TYPE, refuseMixedPolicy, SIGNER_FLAGS } from '../options/policy.js';
import type { AcceptedSigner, VerificationPolicy } from '../verify/policy.js';

/** A few signers and patterns fit in a few kB; a bigger file is the wrong file. */
const MAX_POLICY_FILE_BYTES = 64 * 1024;

/** One signer, from the flags or a file entry: the flags' own validation, nothing else. */
export async function buildSignerPolicy(spec: SignerSpec, keyPath?: string): Promise<VerificationPolicy> {
  refuseMixedPolicy(spec);
  if (spec.key === undefined) return (await import('../verify/policy.js')).buildIdentityPolicy(spec);
  const { loadKeyPolicy } = await import('../verify/key-policy.js');
  return loadKeyPolicy(keyPath ?? resolve(spec.key), spec.tlogUpload ?? true);
}

/** `path` as given, `via` how it was named (`--policy`, `GHCR_BLOB_POLICY`). */
export async function readPolicyFile(path: string, via: string): Promise<PolicyFile> {
  const source = `policy file ${path} (${via})`;
  const text = await readSmallFile(path, 'policy file', MAX_POLICY_FILE_BYTES, 'a few kB').catch((e: unknown) => {
    throw isGhcrBlobError(e) ? new GhcrBlobError(e.code, `${e.message} (named by ${via})`, { cause: e }) : e;
  });
  let value: unknown;
  if (extname(path).toLowerCase() === '.json') {
    const json = parseJson(text);
    if (!json.ok) throw usageError(`${source} is ${json.reason}`);
    value = json.value;
  } else {
    // Loaded on demand: only a YAML policy needs the parser.
    // yaml is CommonJS: bundled, its exports are the module's default.
    const yaml = await import('yaml');
    const parseYaml = (yaml.default ?? yaml).parse;
    try {
      // YAML 1.2 (a superset of JSON): one document, unique keys, no custom tags.
      value = parseYaml(text, { version: '1.2', schema: 'core', uniqueKeys: true });
    } catch (e) {
      throw usageError(`${source} is not valid YAML: ${firstLine(e)}`, undefined, e);
    }
  }
  return checkUntrustedJson(value, policyFileSchema, {
    source,
    what: 'a ghcr-blob policy',
    code: 'USAGE',
    recommendation: `each signer takes the policy flags' names in camelCase: ${SIGNER_FLAGS.map(([key]) => key).join(', ')}`,
  });
}

/**
 * Every signer of the file is built (so a broken entry is found whichever repository is asked
 * for); the ones that apply to `repository` are returned, in file order. Relative `key:` paths are
 * the file's neighbours, wherever the command runs.
 */
export async function signersFromFile(
  file: PolicyFile,
  path: string,
  repository: string | undefined,
  warn: (message: string) => void,
): Promise<AcceptedSigner[]> {
  const folder = dirname(resolve(path));
  const built = async (signers: SignerSpec[], at: string, repositories?: string) =>
    Promise.all(
      signers.map(async (spec, i): Promise<AcceptedSigner> => {
        const where = `${at}[${i}]`;
        const policy = await inFile(path, where, () =>
          buildSignerPolicy(spec, spec.key === undefined ? undefined : resolve(folder, spec.key)),
        );
        return {
          policy,
          predicateType: spec.predicateType ?? DEFAULT_PREDICATE_TYPE,
          from: { file: path, at: where, ...(repositories !== undefined ? { repositories } : {}) },
        };
      }),
    );
  const all = await Promise.all([
    ...(file.signers ? [built(file.signers, 'signers')] : []),
    ...(file.repositories ?? []).map((rule, i) => built(rule.signers, `repositories[${i}].signers`, rule.match)),
  ]);
  const chosen = signersFor(file, repository);
  if (!chosen) {
    throw new GhcrBlobError(
      'VERIFICATION_FAILED',
      repository === undefined
        ? `policy file ${path} names signers only per repository, and a local file has none`
        : `policy file ${path} accepts no signer for ${repository}: no repositories entry matches it and there are no top-level signers`,
      { recommendation: 'add a repositories entry that matches it, or top-level signers' },
    );
  }
  const signers = all.flat().filter((s) => s.from?.at.startsWith(`${chosen.at}[`));
  for (const s of signers) for (const w of s.policy.warnings) warn(`${path} ${s.from?.at}: ${w}`);
  return signers;
}

/** A flag's error, said in the file's terms: where, and the camelCase names it uses. */
async function inFile<T>(path: string, where: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (e) {
    if (!isGhcrBlobError(e) || e.code !== 'USAGE') throw e;
    throw usageError(
      `policy file ${path}: ${where}: ${camelCase(e.message)}`,
      e.recommendation && camelCase(e.recommendation),
      e,
    );
  }
}

const FLAG_NAMES = new Map(SIGNER_FLAGS.map(([key, flag]) => [flag, key as string]));

/** `--certificate-identity-regexp` → `certificateIdentityRegexp`, for the signer flags only. */
const camelCase = (text: string): string =>
  text.replace(/--[a-z][a-z0-9-]*[a-z0-9]/g, (flag) => FLAG_NAMES.get(flag) ?? flag);

/** yaml's message is `reason at line L, column C:` and the lines around it; the first line says enough. */
const firstLine = (e: unknown): string =>
  ((e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '').replace(/:$/, '');
