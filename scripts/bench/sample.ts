// Samples, prepared before anything is timed. Per size: a file of random bytes (nothing along the
// way can compress it) and its Sigstore bundle (signed by raw cosign, as the sandbox's signer).
// Per size and profile: the file pushed and signed by ghcr-blob into that profile's registry for
// the pulls to fetch; on a GHCR-like registry its referrer is then listed the way cosign lists
// them on ghcr.io (typed `application/vnd.oci.empty.v1+json` in the fallback index).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { retypeFallbackEntries } from '../../test/support/ghcr-like.js';
import { getManifest } from '../../test/support/registry-api.js';
import { signBlobArgs } from '../../test/support/sigstore/cosign-cli.js';
import type { Sandbox } from '../lib/sandbox.js';
import type { Size } from './config.js';
import type { Profile } from './profiles.js';
import { runSteps } from './run.js';

export interface Sample {
  size: Size;
  file: string;
  /** The file's base name: the layer title ghcr-blob gives it, and what a pull writes. */
  name: string;
  bundle: string;
}

/** A sample as pushed into one profile's registry. */
export interface Published {
  sample: Sample;
  profile: Profile;
  /** `localhost:PORT/bench/…/blob.bin:v1`, pushed with its signature attached as a referrer. */
  signedRef: string;
  /** `localhost:PORT/bench/…/blob.bin@sha256:…`: the referrer holding the bundle. */
  referrerRef: string;
  /** The bundle layer's title: what `oras pull` of the referrer writes. */
  bundleTitle: string;
}

function writeRandom(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = randomBytes(Math.min(bytes, 1024 ** 2));
    for (let left = bytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(left, chunk.length));
  } finally {
    closeSync(fd);
  }
}

export async function prepareSample(sb: Sandbox, size: Size): Promise<Sample> {
  const { stack } = sb;
  const name = 'blob.bin';
  const dir = sb.freshDir(`sample-${size.bytes}`);
  const file = join(dir, name);
  writeRandom(file, size.bytes);
  const bundle = `${file}.sigstore.json`;
  await runSteps(sb, [
    {
      // cosign 2 finds the private stack's keys through SIGSTORE_* variables (paths, not secrets).
      command: sb.tools.cosign,
      args: signBlobArgs(sb.cosignGeneration, stack, { file, bundle, tokenPath: sb.identityTokenFile }),
      cwd: dir,
      env: { ...sb.toolEnv, ...(sb.cosignGeneration === 2 ? stack.cosign2Env : {}) },
    },
  ]);
  return { size, file, name, bundle };
}

const pushedSchema = z.object({ signature: z.object({ digest: z.string().regex(/^sha256:[0-9a-f]{64}$/) }) });
const referrerSchema = z.object({
  layers: z.tuple([z.object({ annotations: z.object({ 'org.opencontainers.image.title': z.string() }) })]),
});

export async function publishSample(sb: Sandbox, profile: Profile, sample: Sample): Promise<Published> {
  const { registry } = profile;
  // A repository per profile: 40ms/basic is the loopback/basic registry behind a proxy, and a
  // signature names the repository as pushed (host included), so each profile signs its own.
  const repo = `bench/${profile.name.replace('/', '-')}/signed-${sample.size.bytes}/${sample.name}`;
  const signedRef = `${registry.host}/${repo}:v1`;
  const { stack } = sb;
  const { outputs } = await runSteps(sb, [
    {
      // stdin carries the identity token, so the registry token comes from the environment.
      command: process.execPath,
      args: [
        sb.cliBin,
        'push',
        signedRef,
        sample.file,
        '--sign',
        '--json',
        '-u',
        registry.username,
        '--identity-token-stdin',
        '--signing-config',
        stack.signingConfigPath,
        '--trusted-root',
        stack.trustedRootPath,
      ],
      cwd: sb.root,
      env: { ...sb.cliEnv, GHCR_TOKEN: registry.password },
      stdin: sb.identityToken,
    },
  ]);
  const referrer = pushedSchema.parse(JSON.parse(outputs[0] ?? '')).signature.digest;
  if (profile.auth === 'token') {
    const subject = await getManifest(registry, repo, 'v1');
    await retypeFallbackEntries(registry, repo, subject.digest);
  }
  const manifest = referrerSchema.parse((await getManifest(registry, repo, referrer)).json);
  return {
    sample,
    profile,
    signedRef,
    referrerRef: `${registry.host}/${repo}@${referrer}`,
    bundleTitle: manifest.layers[0].annotations['org.opencontainers.image.title'],
  };
}
