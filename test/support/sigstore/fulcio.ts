// Fulcio in front of @sigstore/mock's v2 handler, bridging what real cosign needs:
// - the token arrives as `Authorization: Bearer` (cosign 2 and 3) — the mock
//   reads only `credentials.oidcIdentityToken` in the body;
// - the token is verified here first (the mock never does);
// - SAN = `https://github.com/` + job_workflow_ref, as real Fulcio writes for
//   GitHub tokens (the mock copies one claim verbatim);
// - v2 replies 200, not the mock's 201 (cosign 3 insists);
// - cosign 2 speaks v1 `/api/v1/signingCert`: translated onto v2;
// - the mock's CA imports every leaf key as P-256: keys of other types (cosign's
//   `--signing-algorithm`: P-384, P-521, RSA) are imported as what they are.
import { createPublicKey } from 'node:crypto';
import { fulcioHandler, type initializeCA } from '@sigstore/mock';
import { UnsecuredJWT } from 'jose';
import type { OidcProvider } from './oidc.js';
import type { Route, RouteRequest, Routes } from './server.js';

type CA = Awaited<ReturnType<typeof initializeCA>>;

// Private claim carrying the SAN into the mock; unknown claims make no extension.
const SAN_CLAIM = 'x_fulcio_san';

export function fulcioRoutes(ca: CA, oidc: OidcProvider): Routes {
  importLeafKeysAsTheyAre(ca);
  const mock = fulcioHandler(ca, { subjectClaim: SAN_CLAIM });

  const v2: Route = async ({ headers, body }) => {
    const request = JSON.parse(body.toString()) as Record<string, unknown>;
    const credentials = request['credentials'] as { oidcIdentityToken?: string } | undefined;
    const token = bearer(headers.authorization) ?? credentials?.oidcIdentityToken;
    if (!token) return { status: 401, body: '', error: 'no identity token' };
    let claims: Record<string, unknown>;
    try {
      claims = { ...(await oidc.verify(token)) };
    } catch (e) {
      return { status: 401, body: '', error: `identity token refused: ${(e as Error).message}` };
    }
    const jobWorkflowRef = claims['job_workflow_ref'];
    claims[SAN_CLAIM] = typeof jobWorkflowRef === 'string' ? `https://github.com/${jobWorkflowRef}` : claims['sub'];
    // The token is already verified, so hand the mock an unsigned copy with the SAN claim.
    const forMock = { ...request, credentials: { oidcIdentityToken: new UnsecuredJWT(claims).encode() } };
    const reply = await mock.fn(JSON.stringify(forMock));
    if (reply.statusCode !== 201) return { status: reply.statusCode, body: '', error: String(reply.response) };
    return { status: 200, body: reply.response, contentType: 'application/json' };
  };

  const v1: Route = async (req) => {
    const translated = translateV1Body(req);
    if (typeof translated === 'string') return { status: 400, body: '', error: translated };
    const reply = await v2(translated);
    if (reply.status !== 200) return reply;
    const chain = (JSON.parse(String(reply.body)) as V2Response).signedCertificateEmbeddedSct.chain.certificates;
    return {
      status: 201,
      body: chain.map((pem) => pem.trimEnd() + '\n').join(''), // leaf first, then the root
      contentType: 'application/pem-certificate-chain',
      headers: { SCT: '' }, // the SCT is embedded in the leaf
    };
  };

  return { 'POST /api/v2/signingCert': v2, 'POST /api/v1/signingCert': v1 };
}

interface V2Response {
  signedCertificateEmbeddedSct: { chain: { certificates: string[] } };
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

// v1 body: {publicKey:{content: base64(PEM or DER), algorithm}, signedEmailAddress}.
function translateV1Body({ headers, body }: RouteRequest): RouteRequest | string {
  const v1 = JSON.parse(body.toString()) as {
    publicKey?: { content?: string; algorithm?: string };
    signedEmailAddress?: string;
  };
  if (!v1.publicKey?.content) return 'v1 request without publicKey.content';
  const raw = Buffer.from(v1.publicKey.content, 'base64');
  const pem = raw.toString('latin1').startsWith('-----BEGIN')
    ? raw.toString('utf8')
    : `-----BEGIN PUBLIC KEY-----\n${raw.toString('base64')}\n-----END PUBLIC KEY-----\n`;
  const v2 = {
    publicKeyRequest: {
      publicKey: { algorithm: v1.publicKey.algorithm ?? 'ECDSA', content: pem },
      proofOfPossession: v1.signedEmailAddress ?? '',
    },
  };
  return { headers, body: Buffer.from(JSON.stringify(v2)) };
}

type ImportKey = (format: string, data: Uint8Array, algorithm: unknown, ...rest: unknown[]) => Promise<unknown>;

/** The WebCrypto algorithm of an SPKI key, as Fulcio would certify it (undefined: leave the mock's). */
function spkiAlgorithm(spki: Uint8Array): { name: string; namedCurve?: string; hash?: string } | undefined {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const curves: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  if (key.asymmetricKeyType === 'ec')
    return { name: 'ECDSA', namedCurve: curves[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? '?' };
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ed25519') return { name: 'Ed25519' };
  return undefined;
}

function importLeafKeysAsTheyAre(ca: CA): void {
  const subtle = (ca as unknown as { crypto: { subtle: { importKey: ImportKey } } }).crypto.subtle;
  const original = subtle.importKey.bind(subtle);
  subtle.importKey = (format, data, algorithm, ...rest) =>
    original(format, data, (format === 'spki' && spkiAlgorithm(data)) || algorithm, ...rest);
}
