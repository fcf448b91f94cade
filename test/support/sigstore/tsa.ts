// RFC 3161 timestamp authority on top of @sigstore/mock's TSA signer.
// - cosign posts binary DER (`application/timestamp-query`); the mock's handler
//   parses only JSON, so the request is decoded here with pkijs.
// - cosign's nonce is a big random integer; the mock builds it with
//   `new Integer({value: number})`, which cannot hold it, so the request's own
//   ASN.1 INTEGER is copied into the reply (sigstore-go compares nonces).
// - the mock's genTime keeps milliseconds (`…05.1Z`), which @sigstore/core
//   rejects as an invalid time ~10% of the time: whole seconds here.
import { tsaHandler, type initializeTSA } from '@sigstore/mock';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Route, Routes } from './server.js';

type TSA = Awaited<ReturnType<typeof initializeTSA>>;
type TimestampRequest = Parameters<TSA['timestamp']>[0];

export const TSA_PATH = '/api/v1/timestamp';
const SIGSTORE_TSA_POLICY = '1.3.6.1.4.1.57264.2';

// The request travels through the mock untouched; its original nonce rides along.
interface RequestWithNonce extends TimestampRequest {
  asn1Nonce?: asn1js.Integer;
}

export function tsaRoutes(tsa: TSA): Routes {
  patchTstInfo(tsa);
  const jsonHandler = tsaHandler(tsa); // sigstore-js clients post JSON; keep that path working

  const timestamp: Route = async ({ headers, body }) => {
    if ((headers['content-type'] ?? '').includes('json')) {
      const reply = await jsonHandler.fn(body.toString());
      if (reply.statusCode !== 201) return { status: reply.statusCode, body: '', error: String(reply.response) };
      return { status: 201, body: reply.response, contentType: 'application/timestamp-reply' };
    }
    let request: RequestWithNonce;
    try {
      request = parseTimestampQuery(body);
    } catch (e) {
      return { status: 400, body: '', error: `bad timestamp query: ${(e as Error).message}` };
    }
    const reply = await tsa.timestamp(request);
    return { status: 201, body: reply, contentType: 'application/timestamp-reply' };
  };

  return { [`POST ${TSA_PATH}`]: timestamp };
}

function parseTimestampQuery(der: Buffer): RequestWithNonce {
  const asn = asn1js.fromBER(new Uint8Array(der));
  if (asn.offset === -1) throw new Error(asn.result.error);
  const req = new pkijs.TimeStampReq({ schema: asn.result });
  return {
    artifactHash: Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView),
    hashAlgorithmOID: req.messageImprint.hashAlgorithm.algorithmId,
    nonce: 0, // unused: asn1Nonce replaces it in the reply
    ...(req.nonce ? { asn1Nonce: req.nonce } : {}),
    policyOID: req.reqPolicy ?? SIGSTORE_TSA_POLICY,
    certReq: req.certReq ?? false,
  };
}

// The mock's TSA builds the TSTInfo in an internal `tstInfo(req)` method before
// signing it; wrapping that one method fixes time and nonce while reusing all
// of its CMS signing code. Fail loudly if a mock upgrade renames it.
function patchTstInfo(tsa: TSA): void {
  const internals = tsa as unknown as { tstInfo?: (req: RequestWithNonce) => pkijs.TSTInfo };
  const original = internals.tstInfo;
  if (typeof original !== 'function') {
    throw new Error('@sigstore/mock TSA has no tstInfo(); update test/support/sigstore/tsa.ts');
  }
  internals.tstInfo = (req) => {
    const info = original.call(tsa, req);
    info.genTime = new Date(Math.floor(Date.now() / 1000) * 1000);
    if (req.asn1Nonce) info.nonce = req.asn1Nonce;
    else if (req.nonce === 0) delete info.nonce; // binary request without a nonce
    return info;
  };
}
