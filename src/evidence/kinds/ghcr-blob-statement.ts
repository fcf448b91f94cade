/**
 * What `push --sign` and `sign REF` sign: a DSSE in-toto statement whose subject is the file (its
 * title and sha256) and whose predicate (https://ghcr-blob.dev/file/v1) names the repository the
 * file is stored in and its title. Verified like any attestation (both verifiers, the subject bound
 * to the bytes), and then the signed name must be exactly the repository (and title) pulled. It is
 * a signature, not a claim about a build, so --predicate-type does not apply.
 */
import {
  FILE_PREDICATE_TYPE,
  type FileName,
  isDsseBundle,
  parseFilePredicate,
  type SigstoreBundle,
} from '../../verify/index.js';
import {
  type Attestation,
  attestationDigestsNeeded,
  attestationSubjects,
  describeAttestation,
  parseAttestation,
  peekPredicateType,
  verifyAttestation,
} from './attestation.js';
import type { EvidenceKind } from './kind.js';

export interface FileStatement extends Attestation {
  /** Unverified until the envelope is; compared only after both verifiers accept. */
  signedName: FileName;
}

export const ghcrBlobStatement: EvidenceKind<FileStatement> = {
  name: 'ghcr-blob-statement',
  recognizes: (bundle, payload) =>
    payload === undefined && isDsseBundle(bundle) && peekPredicateType(bundle) === FILE_PREDICATE_TYPE,
  parse(bundle: SigstoreBundle): FileStatement {
    const a = parseAttestation(bundle);
    return { ...a, signedName: parseFilePredicate(a.statement) };
  },
  subjectDigests: attestationSubjects,
  digestsNeeded: attestationDigestsNeeded,
  describe: (s) => ({ ...describeAttestation('ghcr-blob-statement', s), signedName: s.signedName }),
  verify: (s, req, run) =>
    verifyAttestation('ghcr-blob-statement', s, req, run, {
      repository: s.signedName.repository,
      ...(s.signedName.title ? { title: s.signedName.title } : {}),
      namesTitle: true,
    }),
};
