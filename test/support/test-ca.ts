// A throwaway CA and a server certificate it signs, for the TLS registry. A separate CA (rather
// than one self-signed leaf) mirrors real deployments: clients trust the CA via --ca-file, and Go's
// verifier refuses a leaf that is used as its own CA without the CA bits.
import { generate } from 'selfsigned';

/** Not in any DNS (.test is reserved): reachable only through startCountingProxy's `hosts`. */
export const PROXIED_REGISTRY_NAME = 'registry.proxied.test';

export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

export async function makeTestPki(): Promise<TestPki> {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  // EC keys: RSA generation would add ~100 ms per registry.
  const ca = await generate([{ name: 'commonName', value: 'ghcr-blob test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // Both names: oras is pointed at 127.0.0.1 (so it uses HTTPS), Node clients may use either.
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          // A name only a test proxy resolves (proxy.ts): the registry as seen from behind it.
          { type: 2, value: PROXIED_REGISTRY_NAME },
        ],
      },
    ],
  });
  return { caCert: ca.cert, serverCert: server.cert, serverKey: server.private };
}
