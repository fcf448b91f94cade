// The OCI referrers API (`GET /v2/<name>/referrers/<digest>`), answered by the proxy itself since
// distribution 2.8 has none: a 200 with an image index is what tells oras the API exists (a 404
// sends it to the `sha256-<hex>` tag fallback). Each page carries `Link: <…>; rel="next"` back to
// itself (or to a fresh `?page=N` URL) until `maxPages` answers were given on that path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, ProxiedRequest } from './faults.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

type ReferrersLoop = Extract<Fault, { kind: 'referrersLoop' }>;

export function answerReferrersLoop(
  req: IncomingMessage,
  res: ServerResponse,
  rec: ProxiedRequest,
  fault: ReferrersLoop,
  seen: readonly ProxiedRequest[],
): void {
  // `seen` already holds this request: it is page number `served`.
  const served = seen.filter((r) => r.path === rec.path && r.fault === 'referrersLoop').length;
  const headers: Record<string, string> = { 'content-type': OCI_INDEX };
  if (served < fault.maxPages) {
    const url = new URL(req.url ?? rec.path, 'http://x');
    if (fault.linkTo === 'chain') url.searchParams.set('page', String(served + 1));
    headers['link'] = `<${url.pathname}${url.search}>; rel="next"`;
  }
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: fault.manifests ?? [] }),
  );
  rec.status = 200;
  rec.bodyBytes = body.length;
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  res.end(body);
  rec.finished = true;
}
