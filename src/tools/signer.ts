/**
 * One signer, whatever signs: the credential cosign signs with and the Sigstore instance it signs
 * for. Built once per command in commands/prepare.ts; evidence/ and cosign.ts only read it, so a
 * new token source or key type is a change there, not in every command.
 */
import type { CosignTool, SigstoreServices } from './cosign.js';

/** Keyless: an OIDC identity token Fulcio exchanges for a short-lived certificate. */
export interface KeylessCredential {
  kind: 'keyless';
  identityToken: string;
  /** Where the token came from, for messages (`--identity-token-stdin`, `SIGSTORE_ID_TOKEN`, …). */
  source: string;
}

/** A cosign private key: an encrypted key file (its password goes to cosign's stdin), or a KMS key. */
export interface KeyCredential {
  kind: 'key';
  /** Absolute path of the key file, read by cosign where it lies; or a KMS URI. */
  key: string;
  /** Empty for a KMS key. */
  password: string;
  /**
   * A KMS key: the provider's credential variables, passed to that cosign run alone (the one
   * exception to the environment allow-list).
   */
  providerEnv?: Readonly<Record<string, string>>;
  /** Record the signature in the transparency log. */
  tlogUpload: boolean;
}

export type SignerCredential = KeylessCredential | KeyCredential;

export interface Signer {
  cosign: CosignTool;
  credential: SignerCredential;
  services: SigstoreServices;
  /** Everything that must be kept out of output (the token, and what fetched it). */
  secrets: readonly string[];
}
