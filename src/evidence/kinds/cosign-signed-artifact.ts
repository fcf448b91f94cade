/**
 * `cosign sign <ref>` (cosign 3, new bundle format) applied to a pushed artifact: a DSSE bundle
 * whose in-toto statement (predicate https://sigstore.dev/cosign/sign/v1) names the manifest
 * digest, stored as a referrer of that manifest. It is a signature, not a claim about a build,
 * so --predicate-type does not apply. cosign's side is `cosign verify-blob` over the manifest
 * bytes we fetched and hashed: `cosign verify <ref>` would need the registry credentials in a
 * docker config file, which ghcr-blob never writes.
 */
import { COSIGN_SIGN_PREDICATE, isDsseBundle } from '../../verify/index.js';
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

export const cosignSignedArtifact: EvidenceKind<Attestation> = {
  name: 'cosign-signed-artifact',
  recognizes: (bundle, payload) =>
    payload === undefined && isDsseBundle(bundle) && peekPredicateType(bundle) === COSIGN_SIGN_PREDICATE,
  parse: parseAttestation,
  subjectDigests: attestationSubjects,
  digestsNeeded: attestationDigestsNeeded,
  describe: (a) => describeAttestation('cosign-signed-artifact', a),
  verify: (a, req, run) => verifyAttestation('cosign-signed-artifact', a, req, run),
};
