/**
 * A Sigstore SigningConfig (v0.2): which Fulcio, Rekor and TSA to use. cosign 3 reads the file
 * itself; for cosign 2 we pick the URLs out of it and pass them as flags.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { usageError } from '../core/errors.js';
import { parseUntrustedJson, readSmallFile } from '../core/json-input.js';

export const SIGNING_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';

const service = z.looseObject({
  url: z.url({ protocol: /^https?$/ }),
  majorApiVersion: z.number().int().positive(),
  validFor: z.looseObject({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }).optional(),
  }),
});
type Service = z.infer<typeof service>;

export const signingConfigSchema = z.looseObject({
  mediaType: z.literal(SIGNING_CONFIG_MEDIA_TYPE),
  caUrls: z.array(service).min(1),
  rekorTlogUrls: z.array(service).min(1),
  tsaUrls: z.array(service).default([]),
});

export interface ServiceUrls {
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl?: string;
}

const current = (s: Service, now: Date) =>
  new Date(s.validFor.start) <= now && (!s.validFor.end || new Date(s.validFor.end) > now);

export async function readSigningConfig(path: string, now = new Date()): Promise<ServiceUrls> {
  const text = await readSmallFile(path, 'signing config');
  const cfg = parseUntrustedJson(text, signingConfigSchema, {
    source: `signing config ${path}`,
    what: 'a SigningConfig v0.2',
    code: 'USAGE',
  });
  const fulcio = cfg.caUrls.find((s) => current(s, now));
  // cosign 2 speaks Rekor v1 only.
  const rekor = cfg.rekorTlogUrls.find((s) => s.majorApiVersion === 1 && current(s, now));
  if (!fulcio || !rekor) throw usageError(`signing config ${path} has no currently valid Fulcio and Rekor v1 service`);
  const tsa = cfg.tsaUrls.find((s) => current(s, now));
  return { fulcioUrl: fulcio.url, rekorUrl: rekor.url, tsaUrl: tsa?.url };
}

/**
 * cosign 3 takes no `--tlog-upload=false` beside a signing config; it wants one that lists no
 * transparency log. For `--key --no-tlog-upload` we write that copy (0600, in the signing's
 * private folder) from the user's file, every other service unchanged.
 */
export async function signingConfigWithoutLogs(path: string, dir: string): Promise<string> {
  const text = await readSmallFile(path, 'signing config');
  const config = parseUntrustedJson(text, z.looseObject({ mediaType: z.literal(SIGNING_CONFIG_MEDIA_TYPE) }), {
    source: `signing config ${path}`,
    what: 'a Sigstore SigningConfig v0.2',
    code: 'USAGE',
  });
  const { rekorTlogUrls: _urls, rekorTlogConfig: _config, ...rest } = config as Record<string, unknown>;
  const copy = join(dir, 'signing-config-without-logs.json');
  await writeFile(copy, JSON.stringify(rest), { mode: 0o600 });
  return copy;
}
