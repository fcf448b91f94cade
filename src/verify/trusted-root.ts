import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import * as z from 'zod';
import { usageError } from '../core/errors.js';
import { parseUntrustedJson, readSmallFile, reasonOf } from '../core/json-input.js';
import { fetchPublicGoodTrustedRoot } from './public-good-root.js';

export type { TrustedRoot } from '@sigstore/protobuf-specs';

/** The one media type cosign (sigstore-go) accepts for a trusted root; both verifiers must agree. */
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64');
const timestamp = z.iso.datetime({ offset: true });
/** A missing or null end means "still valid"; an end is inclusive (both verifiers agree on that). */
const end = timestamp.nullable().optional();

/**
 * A log key without validFor.start is refused: sigstore-go (cosign) refuses it, while
 * sigstore-js would treat it as valid since 1970, so the two verifiers would disagree.
 */
const logInstance = z.looseObject({
  baseUrl: z.string().min(1),
  hashAlgorithm: z.literal('SHA2_256'),
  publicKey: z.looseObject({
    rawBytes: base64,
    keyDetails: z.string().min(1),
    validFor: z.looseObject({
      start: z.iso.datetime({
        offset: true,
        error: (issue) =>
          issue.input === undefined ? 'missing; cosign refuses a log key without a validity start' : undefined,
      }),
      end,
    }),
  }),
  logId: z.looseObject({ keyId: base64 }),
});

const authority = z.looseObject({
  certChain: z.looseObject({ certificates: z.array(z.looseObject({ rawBytes: base64 })).min(1) }),
  validFor: z.looseObject({ start: timestamp.optional(), end }).optional(),
});

/**
 * Keyless verification needs a CA, a CT log (SCT) and a time source: a transparency log, or
 * timestamp authorities alone. A root without logs (GitHub's own instance for private
 * repositories) makes bundles without a log entry acceptable, and then only with a timestamp.
 */
export const trustedRootSchema = z
  .looseObject({
    mediaType: z.literal(TRUSTED_ROOT_MEDIA_TYPE, { error: `must be ${TRUSTED_ROOT_MEDIA_TYPE}` }),
    tlogs: z.array(logInstance).default([]),
    // None: certificates carry no SCT to check (GitHub's own instance); some: one SCT is required.
    ctlogs: z.array(logInstance).default([]),
    certificateAuthorities: z.array(authority).min(1),
    timestampAuthorities: z.array(authority).default([]),
  })
  .refine((r) => r.tlogs.length > 0 || r.timestampAuthorities.length > 0, {
    message: 'lists neither a transparency log nor a timestamp authority: nothing could vouch for a signing time',
  });

/**
 * The trust anchors for verification. With a path: that TrustedRoot JSON file (offline, and
 * what tests use). Without: the Sigstore public-good root, fetched and checked by TUF.
 */
export async function loadTrustedRoot(
  path?: string,
  fetchPublicGood: () => Promise<string> = fetchPublicGoodTrustedRoot,
): Promise<TrustedRoot> {
  if (path === undefined)
    return parseTrustedRoot(await fetchPublicGood(), 'the Sigstore public-good trusted root (TUF)');
  return parseTrustedRoot(await readSmallFile(path, 'trusted root'), `trusted root ${path}`);
}

/** Validates TrustedRoot JSON text; `source` names it in errors (USAGE: it is an input). */
export function parseTrustedRoot(text: string, source: string): TrustedRoot {
  const checked = parseUntrustedJson(text, trustedRootSchema, {
    source,
    what: 'a valid Sigstore TrustedRoot',
    code: 'USAGE',
    recommendation: `A trusted root is JSON with mediaType ${TRUSTED_ROOT_MEDIA_TYPE} (e.g. from cosign trusted-root create)`,
  });
  const root = TrustedRoot.fromJSON(checked);
  try {
    toTrustMaterial(root); // parses every key and certificate now, not halfway through a verify
  } catch (e) {
    throw usageError(`${source} holds a key or certificate that cannot be parsed: ${reasonOf(e)}`, undefined, e);
  }
  return root;
}
