/**
 * The in-toto statement inside a DSSE envelope: what an attestation says it is about. Read only
 * after the envelope's payload type is in-toto; the subjects' digests (sha256, or sha512 as npm
 * provenance names a package tarball) are what binds an attestation to bytes, so a statement
 * without one ghcr-blob can compute is refused.
 */
import * as z from 'zod';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, HEX_LENGTH } from '../core/digest.js';
import { verificationError } from '../core/errors.js';
import { checkUntrustedJson, parseJson } from '../core/json-input.js';
import { printable } from '../core/printable.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** What `gh attestation verify` and actions/attest-build-provenance use. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** The predicate `cosign sign` (3, new bundle format) puts in its statement about an image. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';

const statementSchema = z.looseObject({
  _type: z.enum([STATEMENT_V01, STATEMENT_V1], { error: `must be ${STATEMENT_V01} or ${STATEMENT_V1}` }),
  subject: z
    .array(z.looseObject({ name: z.string().optional(), digest: z.record(z.string(), z.string()) }))
    .min(1, 'must name at least one subject'),
  predicateType: z.string().min(1),
  predicate: z.unknown().optional(),
});

/** The digests of one subject that ghcr-blob can compute (lower-case hex), by algorithm. */
export type SubjectDigests = Partial<Record<DigestAlgorithm, string>>;

export interface Statement {
  type: string;
  predicateType: string;
  /** What the statement claims, as signed (unverified until the envelope is; each predicate type reads its own). */
  predicate?: unknown;
  /** Each subject with at least one digest ghcr-blob can compute; the others cannot bind to bytes. */
  subjects: Array<{ name?: string; digests: SubjectDigests }>;
  /** Lower-case hex sha256 of each subject that has one. */
  sha256Subjects: Array<{ name?: string; sha256: string }>;
}

const HEX = /^[0-9a-f]+$/;

/** The sha256/sha384/sha512 a subject gives, well formed; other algorithms (gitCommit…) are left out. */
function computableDigests(digest: Record<string, string>): SubjectDigests {
  const out: SubjectDigests = {};
  for (const alg of DIGEST_ALGORITHMS) {
    const hex = digest[alg];
    if (hex !== undefined && hex.length === HEX_LENGTH[alg] && HEX.test(hex)) out[alg] = hex;
  }
  return out;
}

export function requireInTotoPayload(payloadType: string): void {
  // Why exact: another payload type is not a statement about our bytes, whatever it contains.
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw verificationError(`the DSSE envelope's payload type is not in-toto`, [
      `expected payload type: ${IN_TOTO_PAYLOAD_TYPE}`,
      `actual payload type:   ${printable(payloadType)}`,
    ]);
  }
}

export function parseStatement(envelope: { payloadType: string; payload: Buffer }): Statement {
  requireInTotoPayload(envelope.payloadType);
  const json = parseJson(envelope.payload.toString('utf8'));
  if (!json.ok) throw verificationError(`the attestation's statement is ${json.reason}`);
  const s = checkUntrustedJson(json.value, statementSchema, {
    source: "the attestation's statement",
    what: 'an in-toto statement',
    code: 'VERIFICATION_FAILED',
  });
  const subjects = s.subject.flatMap((sub) => {
    const digests = computableDigests(sub.digest);
    return Object.keys(digests).length > 0 ? [{ ...(sub.name === undefined ? {} : { name: sub.name }), digests }] : [];
  });
  if (subjects.length === 0) {
    throw verificationError(
      'the attestation names no subject by sha256, sha384 or sha512, so it cannot be tied to any bytes',
      [`subjects: ${s.subject.map((sub) => printable(JSON.stringify(sub.digest))).join(', ')}`],
    );
  }
  const sha256Subjects = subjects.flatMap(({ name, digests }) =>
    digests.sha256 === undefined ? [] : [{ ...(name === undefined ? {} : { name }), sha256: digests.sha256 }],
  );
  return { type: s._type, predicateType: s.predicateType, predicate: s.predicate, subjects, sha256Subjects };
}
