/** push: the file's layer and manifest, --sign, and the option modules it embeds. */
import { type Command, Option } from 'commander';
import * as z from 'zod';
import { addCommonOptions, commonOptionsSchema } from './common.js';
import { addSigningOptions, signingOptionsSchema } from './signing.js';
import { addTrustOptions, trustOptionsSchema } from './trust.js';

const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}$/;
const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

export const pushOptionsSchema = commonOptionsSchema
  .extend(signingOptionsSchema.shape)
  .extend(trustOptionsSchema.shape)
  .extend({
    artifactType: z.string().regex(MEDIA_TYPE, 'must be a media type like application/vnd.example+json').optional(),
    mediaType: z.string().regex(MEDIA_TYPE, 'must be a media type like application/json').default(DEFAULT_MEDIA_TYPE),
    annotation: z.array(z.string().regex(/^[^=\s]+=/, 'must be key=value')).default([]),
    sign: z.boolean().default(false),
    force: z.boolean().default(false),
  });
export type PushOptions = z.infer<typeof pushOptionsSchema>;

export function addPushOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--artifact-type <type>', "the artifact's type (OCI artifactType)"))
    .addOption(new Option('--media-type <type>', "the file layer's media type").default(DEFAULT_MEDIA_TYPE))
    .addOption(
      new Option('--annotation <key=value>', 'manifest annotation (repeatable)').argParser(
        (v: string, prev: string[] = []) => [...prev, v],
      ),
    )
    .addOption(new Option('--sign', 'sign the file keyless (cosign) and attach the Sigstore bundle as a referrer'))
    .addOption(new Option('--force', 'move a tag that points at a signed artifact to an unsigned one'));
  addSigningOptions(cmd);
  addTrustOptions(cmd);
  return addCommonOptions(cmd);
}
