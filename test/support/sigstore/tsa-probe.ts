// Sends one binary RFC 3161 query, the way cosign does, and reads the reply
// back with pkijs and with @sigstore/core. Lets a test hammer the TSA quickly
// (no cosign process) to prove the two TSA gaps stay closed: big nonces are
// echoed, and genTime never carries fractions of a second.
import { createHash, randomBytes } from 'node:crypto';
import { RFC3161Timestamp } from '@sigstore/core';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const SHA256 = '2.16.840.1.101.3.4.2.1';

export interface TsaProbe {
  status: number;
  nonceSent: string; // hex
  nonceEchoed: string | undefined; // hex
  /** GeneralizedTime as written on the wire, e.g. `20260101120000Z`. */
  genTimeText: string;
  /** What @sigstore/core (sigstore-js) makes of the token; throws on "invalid time". */
  sigstoreSigningTime: Date;
}

export async function probeTsa(tsaUrl: string): Promise<TsaProbe> {
  // 20 random bytes, top bit clear so the INTEGER stays positive (like Go's big.Int nonces).
  const nonce = randomBytes(20);
  nonce[0] = (nonce[0] ?? 0) & 0x7f || 0x01;
  const query = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update(nonce).digest() }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  const res = await fetch(tsaUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query' },
    body: new Uint8Array(query.toSchema().toBER(false)),
  });
  const der = Buffer.from(await res.arrayBuffer());
  const reply = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  if (!reply.timeStampToken) throw new Error(`TSA status ${reply.status.status}, no token`);
  const signed = new pkijs.SignedData({ schema: reply.timeStampToken.content });
  const eContent = signed.encapContentInfo.eContent;
  if (!eContent) throw new Error('timestamp token without TSTInfo');
  const tstInfoAsn = asn1js.fromBER(eContent.getValue());
  const tstInfo = new pkijs.TSTInfo({ schema: tstInfoAsn.result });
  // The raw GeneralizedTime text is the 2nd Sequence member after policy/imprint/serial.
  const genTimeBlock = (tstInfoAsn.result as asn1js.Sequence).valueBlock.value.find(
    (b) => b instanceof asn1js.GeneralizedTime,
  ) as asn1js.GeneralizedTime | undefined;
  return {
    status: res.status,
    nonceSent: nonce.toString('hex'),
    nonceEchoed: tstInfo.nonce ? Buffer.from(tstInfo.nonce.valueBlock.valueHexView).toString('hex') : undefined,
    genTimeText: genTimeBlock ? Buffer.from(genTimeBlock.valueBlock.valueHexView).toString('latin1') : '',
    sigstoreSigningTime: RFC3161Timestamp.parse(der).signingTime,
  };
}
