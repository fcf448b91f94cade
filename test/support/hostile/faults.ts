// What the hostile registry proxy can do to a request, and which requests a fault applies to.
// Kept apart from the server so a test reads the menu without the plumbing.

/**
 * Misbehaviours, each chosen per request path pattern. stall, trickle and oversize act on the body
 * of a 2xx answer only; any other answer (the 401 challenge before credentials) passes through.
 */
export type Fault =
  /** Send the registry's status and headers (real Content-Length), then `afterBytes` of the body, then nothing. */
  | { kind: 'stall'; afterBytes?: number }
  /** Pass the body through at `chunkBytes` every `everyMs`: slow but always moving. */
  | { kind: 'trickle'; chunkBytes: number; everyMs: number }
  /** Answer this status without asking the registry (a manifest or blob that "vanished", a 500). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /**
   * When the request carries an Authorization header, answer `status` (default 400) with an OCI
   * error whose message repeats that header verbatim; without one, pass through (so the client
   * still gets the registry's 401 challenge and comes back with credentials).
   */
  | { kind: 'echoAuthorization'; status?: number }
  /**
   * Serve the registry's body, then filler bytes until `totalBytes` were sent: a blob far bigger than
   * its descriptor says. `declareLength` sends `Content-Length: totalBytes`; otherwise the length is
   * left out (chunked), the way a lying server avoids a client's length check.
   */
  | { kind: 'oversize'; totalBytes: number; declareLength?: boolean }
  /**
   * Answer `GET /v2/<name>/referrers/<digest>` itself (the registry has no referrers API), with an
   * OCI index listing `manifests` and a `Link: <…>; rel="next"` header: `self` points at exactly the
   * requested URL, `chain` at the same path with `?page=N+1` (a never-ending list of new URLs). After
   * `maxPages` answers on one path the Link header is dropped, so a client that follows it forever
   * still ends and the count shows how far it went.
   */
  | { kind: 'referrersLoop'; maxPages: number; linkTo?: 'self' | 'chain'; manifests?: object[] }
  /**
   * Answer `GET /v2/<name>/tags/list` itself: `tagsPerPage` made-up tags (each `nameBytes` long) a
   * page, and a `Link: <…?page=N+1>; rel="next"` to a fresh URL until `maxPages` pages were served:
   * an endless list (many pages) or a huge one (long pages).
   */
  | { kind: 'tagsLoop'; maxPages: number; tagsPerPage: number; nameBytes?: number }
  /**
   * Ask the registry for `path` instead (same method and headers) and relay its answer: a tag that
   * names another manifest for this one request, as when it moved between two requests.
   */
  | { kind: 'askFor'; path: string };

export interface FaultRule {
  /** Matched against the URL path (no query), e.g. /\/blobs\/sha256:/. */
  path: RegExp;
  /** Only this method (GET, HEAD, PUT…); any method when left out. */
  method?: string;
  fault: Fault;
  /** Apply to the first N requests it acts on, then pass through. Default: every one. */
  times?: number;
}

/** One request the proxy saw; `bodyBytes` grows while the body is being sent. */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** Query string included, as the client sent it. */
  url: string;
  status: number;
  /** Body bytes written to the client's socket (headers excluded). */
  bodyBytes: number;
  fault?: Fault['kind'];
  /** The body was sent completely (false while in progress, stalled, or cut off by the client). */
  finished: boolean;
}

/** The first rule that applies; counts its use so `times` can run out. */
export function pickRule(rules: FaultRule[], used: Map<FaultRule, number>, method: string, path: string) {
  for (const rule of rules) {
    if (rule.method && rule.method !== method) continue;
    if (!rule.path.test(path)) continue;
    const count = used.get(rule) ?? 0;
    if (rule.times !== undefined && count >= rule.times) continue;
    used.set(rule, count + 1);
    return rule;
  }
  return undefined;
}

/** `/v2/<name>/tags/list`; the name may hold slashes. */
export const TAGS_PATH = /^\/v2\/(.+)\/tags\/list$/;

/** `/v2/<name>/referrers/<digest>`; the name may hold slashes. */
export const REFERRERS_PATH = /^\/v2\/(.+)\/referrers\/([a-z0-9]+:[a-f0-9]+)$/;
