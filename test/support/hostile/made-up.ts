// Answers the proxy makes up without asking the registry: an injected status, an error that echoes
// the client's credentials, and the OCI referrers API (`GET /v2/<name>/referrers/<digest>`), which
// distribution 2.8 does not have: a 200 with an image index is what tells oras the API exists (a 404
// sends it to the `sha256-<hex>` tag fallback). Each page carries `Link: <…>; rel="next"` back to
// itself (or to a fresh `?page=N` URL) until `maxPages` answers were given on that path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, ProxiedRequest } from './faults.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

type Of<K extends Fault['kind']> = Extract<Fault, { kind: K }>;

function answerJson(res: ServerResponse, rec: ProxiedRequest, status: number, body: string, headers = {}): void {
  rec.status = status;
  rec.bodyBytes = Buffer.byteLength(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
  rec.finished = true;
}

export function answerStatus(res: ServerResponse, rec: ProxiedRequest, fault: Of<'status'>): void {
  const body = fault.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${fault.status}` }] });
  answerJson(res, rec, fault.status, body, fault.headers);
}

/** An OCI error whose message and detail repeat the request's Authorization header verbatim. */
export function answerEchoAuthorization(
  authorization: string,
  res: ServerResponse,
  rec: ProxiedRequest,
  fault: Of<'echoAuthorization'>,
): void {
  const message = `request carried Authorization: ${authorization}`;
  answerJson(
    res,
    rec,
    fault.status ?? 400,
    JSON.stringify({ errors: [{ code: 'DENIED', message, detail: authorization }] }),
  );
}

export function answerReferrersLoop(
  req: IncomingMessage,
  res: ServerResponse,
  rec: ProxiedRequest,
  fault: Of<'referrersLoop'>,
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

export function answerTagsLoop(
  req: IncomingMessage,
  res: ServerResponse,
  rec: ProxiedRequest,
  fault: Of<'tagsLoop'>,
  seen: readonly ProxiedRequest[],
): void {
  const served = seen.filter((r) => r.path === rec.path && r.fault === 'tagsLoop').length;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (served < fault.maxPages) {
    const url = new URL(req.url ?? rec.path, 'http://x');
    url.searchParams.set('page', String(served + 1));
    headers['link'] = `<${url.pathname}${url.search}>; rel="next"`;
  }
  const name = rec.path.replace(/^\/v2\/|\/tags\/list$/g, '');
  const tags = Array.from({ length: fault.tagsPerPage }, (_, i) => {
    const tag = `p${served}-${i}-`;
    return tag.padEnd(Math.max(tag.length, fault.nameBytes ?? 0), 'x').slice(0, 128);
  });
  const body = Buffer.from(JSON.stringify({ name, tags }));
  rec.status = 200;
  rec.bodyBytes = body.length;
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  res.end(body);
  rec.finished = true;
}
