// Rekor v1 in front of @sigstore/mock's handler. Real Rekor answers a new
// entry with `ETag: <uuid>` and `Location: /api/v1/log/entries/<uuid>`;
// cosign 3 reads the uuid from ETag and panics without it (FACTS 5.3).
// The mock's Rekor v2 does not work with cosign 3, so the stack is v1 only.
// DSSE proposals are stored in the form real Rekor stores them (see canonicalEntry).
import { createHash } from 'node:crypto';
import { rekorHandler, type initializeTLog } from '@sigstore/mock';
import type { Route, Routes } from './server.js';

type TLog = Awaited<ReturnType<typeof initializeTLog>>;

export function rekorRoutes(tlog: TLog): Routes {
  const mock = rekorHandler(tlog);

  const createEntry: Route = async ({ body }) => {
    const reply = await mock.fn(JSON.stringify(canonicalEntry(JSON.parse(body.toString()) as ProposedEntry)));
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

interface ProposedEntry {
  kind?: string;
  apiVersion?: string;
  spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } } & Record<string, unknown>;
}

// The mock logs the proposed entry as sent. For hashedrekord that is already the stored form, but a
// dsse 0.0.1 proposal (`proposedContent: {envelope, verifiers}`) is rewritten by real Rekor into
// hashes plus signatures, and verifiers such as sigstore-js check those fields: store what Rekor would.
function canonicalEntry(proposed: ProposedEntry): object {
  const content = proposed.spec?.proposedContent;
  if (proposed.kind !== 'dsse' || !content?.envelope) return proposed;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: { sig: string }[] };
  const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const verifier = content.verifiers?.[0] ?? '';
  return {
    apiVersion: proposed.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(content.envelope)) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s) => ({ signature: s.sig, verifier })),
    },
  };
}
