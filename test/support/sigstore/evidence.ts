// Evidence as the ecosystem produces it, made by the real cosign 3 against a local stack: signature
// bundles, DSSE in-toto attestations (of a file, or of any digest such as an OCI manifest's), with
// a log entry or timestamp-only (GitHub's private-repository shape). They drive cosign 3 only: it
// takes the stack's signing config (services, and whether a log is used) as one file.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SerializedBundle } from '@sigstore/bundle';
import { installedCosigns, runCosign, type CosignBinary } from './cosign-cli.js';
import type { MintTokenClaims, SigstoreStack } from './types.js';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

export interface EvidenceOptions {
  /** Who signs: the GitHub workflow run the token describes. */
  claims: MintTokenClaims;
  /** No transparency log: 0 log entries, 1 RFC 3161 timestamp (stack.tsaOnly files). */
  tsaOnly?: boolean;
  /** cosign's `--signing-algorithm` (sign-blob only), e.g. `ecdsa-sha2-384-nistp384`. */
  signingAlgorithm?: string;
}

export interface Evidence {
  bundlePath: string;
  bundle: SerializedBundle;
}

export interface InTotoStatement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

let cosign3: Promise<CosignBinary> | undefined;

/** The installed cosign 3 (sid); throws if `npm run tools` did not provide one. */
export function findCosign3(): Promise<CosignBinary> {
  return (cosign3 ??= installedCosigns().then((all) => {
    const found = all.find((c) => c.gen === 3);
    if (!found) throw new Error('no cosign 3 in .tools/: run `npm run tools`');
    return found;
  }));
}

/** An in-toto v1 statement about `sha256:<hex>` digests (e.g. an OCI manifest digest). */
export function inTotoStatement(
  subjects: { name: string; digest: string }[],
  predicateType: string = SLSA_PROVENANCE_V1,
  predicate: unknown = {},
): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: subjects.map(({ name, digest }) => {
      const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
      if (!m?.[1]) throw new Error(`inTotoStatement: not a sha256 digest: ${digest}`);
      return { name, digest: { sha256: m[1] } };
    }),
    predicateType,
    predicate,
  };
}

/** The statement inside a DSSE bundle (no signature check: read what it claims). */
export function statementOf(bundle: SerializedBundle): InTotoStatement {
  const envelope = (bundle as { dsseEnvelope?: { payload: string } }).dsseEnvelope;
  if (!envelope) throw new Error('bundle holds no DSSE envelope');
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as InTotoStatement;
}

async function runKeyless(stack: SigstoreStack, args: string[], o: EvidenceOptions): Promise<Evidence> {
  const bin = await findCosign3();
  const id = randomUUID();
  // A GitHub-shaped JWT is longer than 255 bytes: cosign 3 then reads --identity-token as a path.
  const tokenPath = join(stack.dir, `token-${id}`);
  await writeFile(tokenPath, await stack.mintToken(o.claims), { mode: 0o600 });
  const bundlePath = join(stack.dir, `evidence-${id}.json`);
  const trust = o.tsaOnly ? stack.tsaOnly : stack;
  const run = await runCosign(
    bin,
    [
      ...args,
      ...(o.signingAlgorithm ? ['--signing-algorithm', o.signingAlgorithm] : []),
      '--bundle',
      bundlePath,
      '--identity-token',
      tokenPath,
      '--signing-config',
      trust.signingConfigPath,
      '--trusted-root',
      trust.trustedRootPath,
      '-y',
    ],
    { home: stack.dir },
  );
  if (run.exitCode !== 0) throw new Error(`cosign ${args[0]} failed (${run.exitCode}): ${run.stderr}`);
  return { bundlePath, bundle: JSON.parse(await readFile(bundlePath, 'utf8')) as SerializedBundle };
}

/** `cosign sign-blob`: a message-signature bundle over the file's sha256. */
export function signBlob(stack: SigstoreStack, file: string, o: EvidenceOptions): Promise<Evidence> {
  return runKeyless(stack, ['sign-blob', file], o);
}

/**
 * `cosign attest-blob FILE --predicate P --type T`: a DSSE bundle whose statement names the file
 * (subject digest = its sha256). `type` is a cosign short name (`slsaprovenance1`) or a URI.
 */
export async function attestBlob(
  stack: SigstoreStack,
  file: string,
  o: EvidenceOptions & { predicate?: unknown; type?: string },
): Promise<Evidence> {
  const predicatePath = join(stack.dir, `predicate-${randomUUID()}.json`);
  await writeFile(predicatePath, JSON.stringify(o.predicate ?? {}));
  return runKeyless(
    stack,
    ['attest-blob', file, '--predicate', predicatePath, '--type', o.type ?? 'slsaprovenance1'],
    o,
  );
}

/**
 * `cosign attest-blob --statement S` (cosign 3, no file argument): a DSSE bundle over exactly this
 * statement, so the subject can be any digest, e.g. an OCI manifest digest as actions/attest writes.
 */
export async function attestStatement(
  stack: SigstoreStack,
  statement: InTotoStatement,
  o: EvidenceOptions,
): Promise<Evidence> {
  const statementPath = join(stack.dir, `statement-${randomUUID()}.json`);
  await writeFile(statementPath, JSON.stringify(statement));
  return runKeyless(stack, ['attest-blob', '--statement', statementPath], o);
}
