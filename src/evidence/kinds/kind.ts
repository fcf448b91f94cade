/**
 * Evidence kinds as peers: a message signature, a DSSE in-toto attestation, a cosign-signed
 * artifact. Each is a small module with the same shape (recognizes, parse, subjectDigests,
 * verify); which one handles a bundle is decided by the bundle's data (see index.ts), never by
 * the command that asked.
 */
import type { DigestAlgorithm } from '../../core/digest.js';
import type { CosignTool } from '../../tools/cosign.js';
import type { Runner } from '../../tools/exec.js';
import type {
  BundleFacts,
  SigstoreBundle,
  TrustedRoot,
  VerificationPolicy,
  VerifiedSigner,
} from '../../verify/index.js';
import type { NameBinding } from './name.js';

export type EvidenceName =
  | 'message-signature'
  | 'dsse-attestation'
  | 'cosign-signed-artifact'
  | 'cosign-simple-signing'
  | 'ghcr-blob-statement';

/** both: cosign and the in-process verifier must accept; sigstore: the in-process one alone. */
export type Engine = 'both' | 'sigstore';

/** Who must have signed and what to trust, settled before anything is read or downloaded. */
export interface VerificationCheck {
  policy: VerificationPolicy;
  trustedRoot: TrustedRoot;
  /** The same root as a file, for cosign; undefined: public-good through cosign's own TUF. */
  trustedRootPath?: string;
  engine: Engine;
  /** Required unless engine is 'sigstore'. */
  cosign?: CosignTool;
  /** An attestation's statement must have this predicate type (signatures have none). */
  predicateType: string;
  /** Refuse evidence that names no repository (--require-name). */
  requireName?: boolean;
}

/** The bytes a bundle must be about, with every digest that names them. */
export interface Target {
  /** The file, still in a private folder (or the user's file for `verify FILE --bundle`). */
  file: string;
  /** sha256 of the file as we read it, lower-case hex. */
  sha256: string;
  /** sha384 / sha512 of the same read, when the evidence names the file by them (kind.digestsNeeded). */
  sha384?: string;
  sha512?: string;
  /** For `pull --verify` / `verify <ref>`: the OCI artifact the file came from. */
  artifact?: {
    /** `sha256:…` of the manifest bytes, hashed by us when the reference was resolved. */
    manifestDigest: string;
    /** `sha256:…` of the one layer, checked by oras while downloading; equals the file's. */
    layerDigest: string;
  };
  /**
   * `host/path` the file was pulled from, exactly as resolved (or `verify FILE --repository`):
   * evidence that names a repository must name this one. undefined: nothing to compare with.
   */
  repository?: string;
  /** The artifact's title as its manifest gives it ('' for none); undefined for a local file. */
  title?: string;
}

/** One link of "what the signature names → the file that lands", and who checked it. */
export interface ChainLink {
  link: 'signed digest' | 'statement subject' | 'signed payload' | 'manifest' | 'layer' | 'file';
  digest: string;
  checkedBy: string;
}

export interface VerifiedEvidence extends VerifiedSigner {
  evidence: EvidenceName;
  /** The statement's predicate type (attestations and cosign-signed artifacts). */
  predicateType?: string;
  /** sha256 of the file, lower-case hex (hashed by us). */
  sha256: string;
  chain: ChainLink[];
  verifiers: string[];
  /** Whether the evidence names the repository the file came from (see name.ts). */
  name: NameBinding;
}

export interface VerifyRequest {
  target: Target;
  /** The bundle file as given or downloaded (cosign reads it). */
  bundlePath: string;
  check: VerificationCheck;
}

/** What a candidate says it is, read and NOT verified (inspect shows it before any verification). */
export interface EvidenceDescription {
  evidence: EvidenceName;
  /** The statement's predicate type (attestations and cosign-signed artifacts). */
  predicateType?: string;
  /** The `alg:hex` digests it claims to be about. */
  subjects: string[];
  /** Signer, log entry and times as the bundle states them. */
  bundle: BundleFacts;
  /** The repository (and title) it says it signs, when it names one: ghcr-blob's own statement. */
  signedName?: { repository: string; title?: string };
}

export interface EvidenceKind<E> {
  readonly name: EvidenceName;
  /**
   * Whether this bundle is this kind of evidence (unverified data: only picks the handler).
   * `payload`: the bytes a signature covers when they travel beside the bundle (a `.sig` layer).
   */
  recognizes(bundle: SigstoreBundle, payload?: Buffer): boolean;
  parse(bundle: SigstoreBundle, payload?: Buffer): E;
  /** The `alg:hex` digests the evidence claims to be about (unverified until verify()). */
  subjectDigests(evidence: E): string[];
  /** The digests of the file (beyond sha256) this evidence can be bound by: hash them in the same read. */
  digestsNeeded?(evidence: E): DigestAlgorithm[];
  verify(evidence: E, req: VerifyRequest, run: Runner): Promise<VerifiedEvidence>;
  /** What it says about itself, unverified: for showing, never for deciding. */
  describe(evidence: E): EvidenceDescription;
}
