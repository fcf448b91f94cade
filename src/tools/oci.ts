/** zod schemas for the OCI documents we read: descriptors, image manifests and indexes. */
import * as z from 'zod';
import { descriptorDigestSchema } from '../core/digest.js';

export const TITLE_ANNOTATION = 'org.opencontainers.image.title';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export const descriptorSchema = z.object({
  mediaType: z.string().min(1),
  digest: descriptorDigestSchema,
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

export const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.literal(OCI_MANIFEST).optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof imageManifestSchema>;

export const imageIndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.literal(OCI_INDEX).optional(),
  manifests: z.array(descriptorSchema),
});
