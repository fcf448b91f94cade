// A loopback stand-in for the part of AWS KMS that cosign's `awskms://ENDPOINT/KEY` uses (the
// JSON 1.1 protocol: DescribeKey, GetPublicKey, Sign over a digest). The private key never leaves
// this server, so cosign really signs through it. Requests must carry the test's access key id in
// their SigV4 Authorization header; every request is recorded (target, whether it was authorized).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { makeTestPki } from './test-ca.js';

export interface KmsRequest {
  target: string;
  authorized: boolean;
}

export interface AwsKms {
  /** 127.0.0.1:PORT, for `awskms://${endpoint}/${keyId}` (HTTPS: the AWS SDK speaks nothing else). */
  endpoint: string;
  /** PEM of the CA that signed the server's certificate: SSL_CERT_FILE for cosign. */
  caFile: string;
  keyId: string;
  /** The credentials the provider reads from the environment (AWS_*): the secret is a leak-test subject. */
  env: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string };
  publicKeyPem: string;
  requests: KmsRequest[];
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** `dir`: where the CA file is written (a test's private folder). */
export async function startAwsKms(dir: string): Promise<AwsKms> {
  const pki = await makeTestPki();
  const caFile = join(dir, 'kms-ca.pem');
  writeFileSync(caFile, pki.caCert);
  const accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64url');
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const arn = `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const secret = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const requests: KmsRequest[] = [];
  const metadata = {
    KeyId: keyId,
    Arn: arn,
    KeySpec: 'ECC_NIST_P256',
    CustomerMasterKeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    KeyState: 'Enabled',
    Enabled: true,
    SigningAlgorithms: ['ECDSA_SHA_256'],
  };

  const server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
      const authorized = String(req.headers.authorization ?? '').includes(`Credential=${accessKeyId}/`);
      requests.push({ target, authorized });
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      if (!authorized) return reply(400, { __type: 'UnrecognizedClientException', message: 'invalid security token' });
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      if (target === 'DescribeKey') return reply(200, { KeyMetadata: metadata });
      if (target === 'GetPublicKey') return reply(200, { ...metadata, PublicKey: spki.toString('base64') });
      if (target === 'Sign') {
        const message = Buffer.from(String(body['Message'] ?? ''), 'base64');
        if (body['MessageType'] !== 'DIGEST' || message.length !== 32)
          return reply(400, { __type: 'ValidationException', message: 'expected a 32-byte DIGEST' });
        const signature = p256.sign(message, secret, { prehash: false }).toDERRawBytes();
        return reply(200, {
          KeyId: arn,
          Signature: Buffer.from(signature).toString('base64'),
          SigningAlgorithm: 'ECDSA_SHA_256',
        });
      }
      reply(400, { __type: 'UnsupportedOperationException', message: `no ${target}` });
    })().catch((e: unknown) => res.writeHead(500).end(JSON.stringify({ message: String(e) })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    caFile,
    keyId,
    env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1' },
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
