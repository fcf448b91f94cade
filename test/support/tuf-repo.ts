// A TUF repository on loopback, signed for real (ed25519, canonical JSON), the shape
// tuf-repo-cdn.sigstore.dev serves: versioned root, timestamp, snapshot and targets metadata,
// and the targets themselves. One key signs every role; `rootJson` is the initial root a client
// starts from (what --tuf-root takes).
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalize } from '@tufjs/canonical-json';

export interface TufRepo {
  /** http://127.0.0.1:PORT (no trailing slash): --tuf-mirror. */
  url: string;
  /** The initial root.json (version 1). */
  rootJson: string;
  /** Every request path served or refused, in order. */
  requests: string[];
  close(): Promise<void>;
}

const EXPIRES = '2099-01-01T00:00:00Z';

function signer(): { keyid: string; key: object; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = {
    keytype: 'ed25519',
    scheme: 'ed25519',
    keyval: { public: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  };
  const keyid = createHash('sha256').update(canonicalize(key)).digest('hex');
  return { keyid, key, privateKey };
}

const meta = (bytes: Buffer) => ({
  length: bytes.length,
  hashes: { sha256: createHash('sha256').update(bytes).digest('hex') },
});

export async function startTufRepo(targets: Record<string, string | Buffer>): Promise<TufRepo> {
  const k = signer();
  const envelope = (signed: object): Buffer => {
    const sig = sign(null, Buffer.from(canonicalize(signed)), k.privateKey).toString('hex');
    return Buffer.from(JSON.stringify({ signed, signatures: [{ keyid: k.keyid, sig }] }));
  };
  const role = { keyids: [k.keyid], threshold: 1 };
  const common = { spec_version: '1.0.31', version: 1, expires: EXPIRES };
  const root = envelope({
    _type: 'root',
    ...common,
    consistent_snapshot: false,
    keys: { [k.keyid]: k.key },
    roles: { root: role, timestamp: role, snapshot: role, targets: role },
  });
  const files = new Map<string, Buffer>();
  const targetMeta: Record<string, object> = {};
  for (const [name, content] of Object.entries(targets)) {
    const bytes = Buffer.from(content);
    files.set(`/targets/${name}`, bytes);
    targetMeta[name] = meta(bytes);
  }
  const targetsJson = envelope({ _type: 'targets', ...common, targets: targetMeta });
  const snapshot = envelope({ _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } });
  const timestamp = envelope({ _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } });
  files.set('/1.root.json', root);
  files.set('/targets.json', targetsJson);
  files.set('/snapshot.json', snapshot);
  files.set('/timestamp.json', timestamp);

  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rootJson: root.toString(),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
