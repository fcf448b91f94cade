// The files clients need to trust this stack: a TrustedRoot (sigstore-go,
// cosign 3, sigstore-js), a SigningConfig v0.2 (cosign 3 `--signing-config`)
// and the PEM files cosign 2 reads from SIGSTORE_* variables (FACTS 5).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TrustMaterial {
  url: string; // base URL of Fulcio, Rekor and the CT log (one server)
  tsaUrl: string;
  /** Every key and CA is valid from here; whole seconds, slightly in the past. */
  validFrom: Date;
  fulcioRoot: ArrayBufferView; // DER
  ctlogKey: ArrayBufferView; // SPKI DER
  rekorKey: ArrayBufferView; // SPKI DER
  tsaChain: ArrayBufferView[]; // DER, signing certificate first
}

export interface TrustFiles {
  trustedRootPath: string;
  signingConfigPath: string;
  tsaChainPath: string;
  tsaOnly: { trustedRootPath: string; signingConfigPath: string };
  cosign2Env: Record<string, string>;
}

const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const b64 = (der: ArrayBufferView): string => bytes(der).toString('base64');

function pem(label: string, der: ArrayBufferView): string {
  const lines = b64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// `validFor.start` must be on every key: cosign 3 rejects the root otherwise
// (sigstore-js does not care; FACTS 6).
function transparencyLog(baseUrl: string, spki: ArrayBufferView, validFor: { start: string }) {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(spki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
    logId: { keyId: createHash('sha256').update(bytes(spki)).digest('base64') },
  };
}

/** `tlogs: false` leaves the transparency logs out (`tlogs: []`): timestamps are then the only time source. */
export function trustedRoot(m: TrustMaterial, o: { tlogs?: boolean } = {}): object {
  const validFor = { start: m.validFrom.toISOString() };
  const subject = { organization: 'sigstore.mock', commonName: 'sigstore' };
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: o.tlogs === false ? [] : [transparencyLog(m.url, m.rekorKey, validFor)],
    certificateAuthorities: [
      { subject, uri: m.url, certChain: { certificates: [{ rawBytes: b64(m.fulcioRoot) }] }, validFor },
    ],
    ctlogs: [transparencyLog(m.url, m.ctlogKey, validFor)],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: m.tsaUrl,
        certChain: { certificates: m.tsaChain.map((der) => ({ rawBytes: b64(der) })) },
        validFor,
      },
    ],
  };
}

/** `rekor: false` lists no log (`rekorTlogUrls: []`): cosign 3 then asks only Fulcio and the TSA. */
export function signingConfig(m: TrustMaterial, o: { rekor?: boolean } = {}): object {
  const service = (url: string) => ({
    url,
    majorApiVersion: 1,
    validFor: { start: m.validFrom.toISOString() },
    operator: 'ghcr-blob-test',
  });
  return {
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [service(m.url)],
    // Never contacted when cosign gets --identity-token; present because the schema expects it.
    oidcUrls: [service(m.url)],
    rekorTlogUrls: o.rekor === false ? [] : [service(m.url)],
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls: [service(m.tsaUrl)],
    tsaConfig: { selector: 'ANY' },
  };
}

export async function writeTrustFiles(dir: string, m: TrustMaterial): Promise<TrustFiles> {
  const files = {
    trustedRootPath: join(dir, 'trusted_root.json'),
    signingConfigPath: join(dir, 'signing_config.json'),
    tsaChainPath: join(dir, 'tsa_chain.pem'),
    tsaOnlyTrustedRootPath: join(dir, 'trusted_root.tsa-only.json'),
    tsaOnlySigningConfigPath: join(dir, 'signing_config.tsa-only.json'),
    fulcioChain: join(dir, 'fulcio_chain.pem'),
    ctlogKey: join(dir, 'ctlog_key.pem'),
    rekorKey: join(dir, 'rekor_key.pem'),
  };
  await Promise.all([
    writeFile(files.trustedRootPath, JSON.stringify(trustedRoot(m), null, 2)),
    writeFile(files.signingConfigPath, JSON.stringify(signingConfig(m), null, 2)),
    writeFile(files.tsaOnlyTrustedRootPath, JSON.stringify(trustedRoot(m, { tlogs: false }), null, 2)),
    writeFile(files.tsaOnlySigningConfigPath, JSON.stringify(signingConfig(m, { rekor: false }), null, 2)),
    writeFile(files.tsaChainPath, m.tsaChain.map((der) => pem('CERTIFICATE', der)).join('')),
    writeFile(files.fulcioChain, pem('CERTIFICATE', m.fulcioRoot)),
    writeFile(files.ctlogKey, pem('PUBLIC KEY', m.ctlogKey)),
    writeFile(files.rekorKey, pem('PUBLIC KEY', m.rekorKey)),
  ]);
  return {
    trustedRootPath: files.trustedRootPath,
    signingConfigPath: files.signingConfigPath,
    tsaChainPath: files.tsaChainPath,
    tsaOnly: { trustedRootPath: files.tsaOnlyTrustedRootPath, signingConfigPath: files.tsaOnlySigningConfigPath },
    cosign2Env: {
      SIGSTORE_ROOT_FILE: files.fulcioChain,
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: files.ctlogKey,
      SIGSTORE_REKOR_PUBLIC_KEY: files.rekorKey,
    },
  };
}
