/**
 * A DSSE in-toto attestation (`cosign attest-blob`, actions/attest, actions/attest-build-provenance):
 * the statement's predicate type must be the one asked for (default SLSA provenance v1, as
 * `gh attestation verify`), and a subject must name the bytes.
 */
import { verificationError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { COSIGN_SIGN_PREDICATE, FILE_PREDICATE_TYPE, isDsseBundle } from '../../verify/index.js';
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

export const dsseAttestation: EvidenceKind<Attestation> = {
  name: 'dsse-attestation',
  // Every DSSE bundle that is not cosign's image signature nor ghcr-blob's own statement; a
  // non-in-toto payload lands here and is refused by parse() with its payload type named.
  recognizes: (bundle, payload) =>
    payload === undefined &&
    isDsseBundle(bundle) &&
    ![COSIGN_SIGN_PREDICATE, FILE_PREDICATE_TYPE].includes(peekPredicateType(bundle) ?? ''),
  parse: parseAttestation,
  subjectDigests: attestationSubjects,
  digestsNeeded: attestationDigestsNeeded,
  describe: (a) => describeAttestation('dsse-attestation', a),
  verify(a, req, run) {
    // Why exact: a predicate type is a URI naming what the statement claims; a near one claims something else.
    if (a.statement.predicateType !== req.check.predicateType) {
      throw verificationError("the attestation's predicate type is not the one asked for", [
        `expected predicate type: ${req.check.predicateType} (--predicate-type)`,
        `actual predicate type:   ${printable(a.statement.predicateType)}`,
      ]);
    }
    return verifyAttestation('dsse-attestation', a, req, run);
  },
};
