/**
 * zod schemas for `oras … --format json` (experimental in 1.2 and 1.3, so checked field by
 * field). Only what we use is required; unknown fields pass.
 */
import * as z from 'zod';
import { descriptorDigestSchema } from '../core/digest.js';
import { descriptorSchema } from './oci.js';
import { checkUntrustedJson, parseUntrustedJson } from '../core/json-input.js';
import { TAG } from '../core/reference.js';

export const pushOutputSchema = z.object({
  mediaType: z.string(),
  digest: descriptorDigestSchema,
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
});

export const attachOutputSchema = descriptorSchema;

/** 1.3 puts referrers in `referrers`, 1.2 in `manifests`. */
export const discoverOutputSchema = z
  .object({ referrers: z.array(descriptorSchema).optional(), manifests: z.array(descriptorSchema).optional() })
  .transform((o) => o.referrers ?? o.manifests ?? []);

/** A whole listing: 1.3 also names the subject it resolved (its digest); 1.2 does not. */
export const referrerListingSchema = z
  .object({
    digest: descriptorDigestSchema.optional(),
    referrers: z.array(descriptorSchema).optional(),
    manifests: z.array(descriptorSchema).optional(),
  })
  .transform((o) => ({ subjectDigest: o.digest, referrers: o.referrers ?? o.manifests ?? [] }));
export type ReferrerListing = z.infer<typeof referrerListingSchema>;

export function parseOrasJson<T>(schema: z.ZodType<T>, action: string, stdout: string): T {
  return parseUntrustedJson(stdout, schema, {
    source: `the output of oras ${action}`,
    what: 'what oras 1.2/1.3 print',
    code: 'INTERNAL',
  });
}

const tagListingSchema = z.array(z.string().regex(TAG, 'must be a tag (letters, digits, _ . -; at most 128)'));

/** `oras repo tags` (text): one tag a line; anything that is not a tag is refused, not shown. */
export function parseTagListing(stdout: string): string[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  return checkUntrustedJson(lines, tagListingSchema, {
    source: 'the output of oras repo tags',
    what: 'one tag a line',
    code: 'VERIFICATION_FAILED',
  });
}
