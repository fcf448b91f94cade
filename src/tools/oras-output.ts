/**
 * zod schemas for `oras … --format json` (experimental in 1.2 and 1.3, so checked field by
 * field). Only what we use is required; unknown fields pass.
 */
import { z } from 'zod';
import { descriptorSchema, digestSchema } from './oci.js';
import { GhcrBlobError } from '../core/errors.js';

export const pushOutputSchema = z.object({
  mediaType: z.string(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
});

export const pullOutputSchema = z.object({
  // 1.2.0's top-level `reference` is broken; we never read it.
  files: z.array(
    z.object({
      path: z.string().min(1),
      digest: digestSchema,
      size: z.number().int().nonnegative(),
      mediaType: z.string().optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

export const attachOutputSchema = descriptorSchema;

/** 1.3 puts referrers in `referrers`, 1.2 in `manifests`. */
export const discoverOutputSchema = z
  .object({ referrers: z.array(descriptorSchema).optional(), manifests: z.array(descriptorSchema).optional() })
  .transform((o) => o.referrers ?? o.manifests ?? []);

export function parseOrasJson<T>(schema: z.ZodType<T>, action: string, stdout: string): T {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    throw new GhcrBlobError('INTERNAL', `${action}: oras printed output that is not JSON`, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GhcrBlobError(
      'INTERNAL',
      `${action}: unexpected oras output (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
    );
  }
  return parsed.data;
}
