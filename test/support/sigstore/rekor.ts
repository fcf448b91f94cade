// Rekor v1 in front of @sigstore/mock's handler. Real Rekor answers a new
// entry with `ETag: <uuid>` and `Location: /api/v1/log/entries/<uuid>`;
// cosign 3 reads the uuid from ETag and panics without it (FACTS 5.3).
// The mock's Rekor v2 does not work with cosign 3, so the stack is v1 only.
import { rekorHandler, type initializeTLog } from '@sigstore/mock';
import type { Route, Routes } from './server.js';

type TLog = Awaited<ReturnType<typeof initializeTLog>>;

export function rekorRoutes(tlog: TLog): Routes {
  const mock = rekorHandler(tlog);

  const createEntry: Route = async ({ body }) => {
    const reply = await mock.fn(body.toString());
    if (reply.statusCode !== 201) return { status: reply.statusCode, body: '', error: String(reply.response) };
    const text = String(reply.response);
    // The reply is `{ "<uuid>": { body, integratedTime, logID, logIndex, verification } }`.
    const [uuid] = Object.keys(JSON.parse(text) as Record<string, unknown>);
    if (!uuid) return { status: 500, body: '', error: 'mock rekor returned no entry' };
    return {
      status: 201,
      body: text,
      contentType: 'application/json',
      headers: { ETag: uuid, Location: `/api/v1/log/entries/${uuid}` },
    };
  };

  return { 'POST /api/v1/log/entries': createEntry };
}
