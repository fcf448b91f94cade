// Evidence signed with an Ed25519 key, certified by the local stack's Fulcio. cosign 3.1's keyless
// `--signing-algorithm` offers ECDSA and RSA only, so these are made by sigstore-js's own bundle
// builders (@sigstore/sign) with an Ed25519 signer, logged in the stack's Rekor v1.
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness, type Signer } from '@sigstore/sign';
import type { Evidence } from './evidence.js';
import type { MintTokenClaims, SigstoreStack } from './types.js';

let n = 0;

/** A fresh Ed25519 key and its certificate (PEM) from the stack's Fulcio v2, for `claims`. */
async function ed25519Signer(stack: SigstoreStack, claims: MintTokenClaims): Promise<Signer> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const content = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const res = await fetch(`${stack.url}/api/v2/signingCert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.mintToken(claims)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ publicKeyRequest: { publicKey: { algorithm: 'ED25519', content }, proofOfPossession: '' } }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`ed25519 fixture: Fulcio answered ${res.status}: ${await res.text()}`);
  const reply = (await res.json()) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } };
  const certificate = reply.signedCertificateEmbeddedSct.chain.certificates[0] as string;
  return {
    sign: async (data: Buffer) => ({
      signature: sign(null, data, privateKey), // pure Ed25519 over the bytes given
      key: { $case: 'x509Certificate', certificate },
    }),
  };
}

async function save(stack: SigstoreStack, bundle: SerializedBundle): Promise<Evidence> {
  const bundlePath = join(stack.dir, `ed25519-${++n}.json`);
  await writeFile(bundlePath, JSON.stringify(bundle));
  return { bundlePath, bundle };
}

/** A DSSE bundle over `statement` (in-toto JSON), signed with Ed25519. */
export async function attestWithEd25519(
  stack: SigstoreStack,
  statement: unknown,
  o: { claims: MintTokenClaims },
): Promise<Evidence> {
  const builder = new DSSEBundleBuilder({
    signer: await ed25519Signer(stack, o.claims),
    witnesses: [new RekorWitness({ rekorBaseURL: stack.rekorUrl })],
  });
  const data = Buffer.from(JSON.stringify(statement));
  return save(stack, bundleToJSON(await builder.create({ data, type: 'application/vnd.in-toto+json' })));
}

/** A message-signature bundle over `data`: pure Ed25519 over the whole bytes, logged by its sha256. */
export async function signWithEd25519(
  stack: SigstoreStack,
  data: Buffer,
  o: { claims: MintTokenClaims },
): Promise<Evidence> {
  const builder = new MessageSignatureBundleBuilder({
    signer: await ed25519Signer(stack, o.claims),
    witnesses: [new RekorWitness({ rekorBaseURL: stack.rekorUrl })],
  });
  return save(stack, bundleToJSON(await builder.create({ data })));
}
