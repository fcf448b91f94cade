// One sample per size, prepared before anything is timed: a file of random bytes (nothing along
// the way can compress it), its Sigstore bundle (signed by raw cosign, as the sandbox's signer),
// and an artifact pushed and signed by ghcr-blob for the pulls to fetch.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { signBlobArgs } from '../../test/support/sigstore/cosign-cli.js';
import type { Sandbox } from '../lib/sandbox.js';
import type { Size } from './config.js';
import { runSteps } from './run.js';

export interface Sample {
  size: Size;
  file: string;
  /** The file's base name: the layer title ghcr-blob gives it, and what a pull writes. */
  name: string;
  bundle: string;
  /** `localhost:PORT/bench/…/blob.bin:v1`, pushed with its signature attached as a referrer. */
  signedRef: string;
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
  const { registry, stack } = sb;
  const name = 'blob.bin';
  const dir = sb.freshDir(`sample-${size.bytes}`);
  const file = join(dir, name);
  writeRandom(file, size.bytes);
  const bundle = `${file}.sigstore.json`;
  const signedRef = `${registry.host}/bench/signed-${size.bytes}/${name}:v1`;
  await runSteps(sb, [
    {
      // cosign 2 finds the private stack's keys through SIGSTORE_* variables (paths, not secrets).
      command: sb.tools.cosign,
      args: signBlobArgs(sb.cosignGeneration, stack, { file, bundle, tokenPath: sb.identityTokenFile }),
      cwd: dir,
      env: { ...sb.toolEnv, ...(sb.cosignGeneration === 2 ? stack.cosign2Env : {}) },
    },
    {
      // stdin carries the identity token, so the registry token comes from the environment.
      command: process.execPath,
      args: [
        sb.cliBin,
        'push',
        signedRef,
        file,
        '--sign',
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
  return { size, file, name, bundle, signedRef };
}
