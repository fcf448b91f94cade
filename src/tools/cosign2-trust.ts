/**
 * cosign 2 has no --signing-config: it takes a private Sigstore's service URLs as flags and its
 * trust anchors as PEM files named by SIGSTORE_* variables (paths, not secrets). We write them
 * from the same TrustedRoot the verifiers use, into a private folder that lives as long as the
 * signing does.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { Cosign2Services } from './cosign.js';
import { readSigningConfig } from './cosign2-signing-config.js';

const pem = (label: string, der: Buffer): string =>
  `-----BEGIN ${label}-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

export async function writeCosign2TrustFiles(root: TrustedRoot, dir: string): Promise<Record<string, string>> {
  const fulcio = root.certificateAuthorities
    .flatMap((ca) => ca.certChain?.certificates ?? [])
    .map((c) => pem('CERTIFICATE', c.rawBytes));
  const key = (logs: TrustedRoot['tlogs']) => {
    const raw = logs.map((l) => l.publicKey?.rawBytes).filter((b): b is Buffer => b !== undefined && b.length > 0);
    return raw.map((b) => pem('PUBLIC KEY', b)).join('');
  };
  const files = {
    SIGSTORE_ROOT_FILE: join(dir, 'fulcio-chain.pem'),
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: join(dir, 'ctlog-keys.pem'),
    SIGSTORE_REKOR_PUBLIC_KEY: join(dir, 'rekor-keys.pem'),
  };
  await Promise.all([
    writeFile(files.SIGSTORE_ROOT_FILE, fulcio.join(''), { mode: 0o600 }),
    writeFile(files.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, key(root.ctlogs), { mode: 0o600 }),
    writeFile(files.SIGSTORE_REKOR_PUBLIC_KEY, key(root.tlogs), { mode: 0o600 }),
  ]);
  return files;
}

/** A SigningConfig (URLs) and an already validated TrustedRoot (PEM files), as cosign 2 takes them. */
export async function translateForCosign2(
  signingConfigPath: string,
  root: TrustedRoot,
  dir: string,
): Promise<Cosign2Services> {
  const urls = await readSigningConfig(signingConfigPath);
  return { ...urls, env: await writeCosign2TrustFiles(root, dir) };
}
