import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn,
} from '@sigstore/mock';
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness, TSAWitness, type Witness } from '@sigstore/sign';
import { UnsecuredJWT } from 'jose';
import { TRUSTED_ROOT_MEDIA_TYPE } from '../../../../src/verify/trusted-root.js';

/**
 * A throw-away Sigstore (Fulcio + CT log + Rekor v1 + TSA) from @sigstore/mock, served on
 * 127.0.0.1, and sigstore-js's own signer pointed at it: real certificates, SCTs, SETs,
 * inclusion proofs and RFC 3161 timestamps, with fresh keys per instance.
 */
export interface MockSigstore {
  /** TrustedRoot JSON trusting exactly this instance. */
  trustedRoot: Record<string, unknown>;
  /** A message-signature bundle for `data`, by a token with `claims`; v0.3 like cosign's by default. */
  sign(data: Buffer, claims: Record<string, unknown>, options?: SignOptions): Promise<SerializedBundle>;
  close(): Promise<void>;
}

export interface SignOptions {
  /** sigstore-js writes v0.2 (certificate chain); cosign writes v0.3 (single certificate). */
  format?: 'v0.2' | 'v0.3';
  /** Sign these bytes instead of `data` while still logging `data`'s digest (the mock Rekor
   *  does not check signatures; a real one would refuse). */
  signOver?: Buffer;
}

const b64 = (bytes: ArrayBufferView | Buffer): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

export async function startMockSigstore(options: { tsa?: boolean } = {}): Promise<MockSigstore> {
  const rekorUrl = 'https://rekor.mock.test';
  const ctlog = await initializeCTLog(p256());
  const ca = await initializeCA(p256(), ctlog);
  const tlog = await initializeTLog(rekorUrl, p256());
  // The mock TSA stamps the Date it was given. We move it to the next whole second at each
  // request: whole, because @sigstore/core rejects the fractional times the mock writes
  // otherwise; current, so the stamp falls inside the short-lived signing certificate.
  const tsaClock = new Date();
  const tsa = await initializeTSA(p256(), tsaClock);
  const tsaH = tsaHandler(tsa);

  const handlers: Record<string, HandlerFn> = {};
  for (const h of [fulcioHandler(ca, { subjectClaim: 'san' }), rekorHandler(tlog)]) handlers[h.path] = h.fn;
  handlers[tsaH.path] = (body) => {
    tsaClock.setTime(Math.ceil(Date.now() / 1000) * 1000);
    return tsaH.fn(body);
  };
  const server = await listen(handlers);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const start = new Date(Date.now() - 3600_000).toISOString();
  const logKey = (publicKey: Buffer) => ({
    rawBytes: b64(publicKey),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor: { start },
  });
  const trustedRoot = {
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [
      {
        baseUrl: rekorUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: logKey(tlog.publicKey),
        logId: { keyId: b64(createHash('sha256').update(tlog.publicKey).digest()) },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.mock.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: logKey(ctlog.publicKey),
        logId: { keyId: b64(ctlog.logID) },
      },
    ],
    certificateAuthorities: [
      {
        uri: 'https://fulcio.mock.test',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    timestampAuthorities: [
      {
        uri: 'https://tsa.mock.test',
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor: { start },
      },
    ],
  };

  return {
    trustedRoot,
    async sign(data, claims, signOptions = {}) {
      const token = new UnsecuredJWT({ sub: 'mock-subject', ...claims }).encode();
      const fulcio = new FulcioSigner({ fulcioBaseURL: base, identityProvider: { getToken: async () => token } });
      const { signOver } = signOptions;
      const signer = signOver === undefined ? fulcio : { sign: () => fulcio.sign(signOver) };
      const witnesses: Witness[] = [new RekorWitness({ rekorBaseURL: base })];
      if (options.tsa) witnesses.push(new TSAWitness({ tsaBaseURL: base }));
      const json = bundleToJSON(await new MessageSignatureBundleBuilder({ signer, witnesses }).create({ data }));
      return signOptions.format === 'v0.2' ? json : asCosignV03(json);
    },
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** cosign's layout: v0.3 media type and the leaf alone under `certificate`. */
function asCosignV03(json: SerializedBundle): SerializedBundle {
  const { x509CertificateChain, ...material } = json.verificationMaterial as Record<string, unknown> & {
    x509CertificateChain: { certificates: Array<{ rawBytes: string }> };
  };
  return {
    ...json,
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { ...material, certificate: x509CertificateChain.certificates[0] },
  } as SerializedBundle;
}

function listen(handlers: Record<string, HandlerFn>): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fn = handlers[req.url ?? ''];
      if (req.method !== 'POST' || fn === undefined) return void res.writeHead(404).end();
      fn(Buffer.concat(chunks).toString('utf8')).then(
        (r) => res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'text/plain' }).end(r.response),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
