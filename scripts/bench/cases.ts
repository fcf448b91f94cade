// What is compared: each case is one thing a user does, done by ghcr-blob (side A) and by the
// raw tools with equivalent flags (side B), against the same registry, stack and file.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verifyBlobArgs } from '../../test/support/sigstore/cosign-cli.js';
import { SIGNER, type Sandbox } from '../lib/sandbox.js';
import type { Size } from './config.js';
import type { Step } from './run.js';
import type { Sample } from './sample.js';

export type Op = 'startup' | 'push' | 'pull' | 'verify' | 'pull --verify';

/** One run of one side: its steps, and an untimed clean-up afterwards. */
export interface Run {
  steps: Step[];
  after?: () => void;
}

export interface Case {
  op: Op;
  size?: Size;
  ghcr: { describe: string; prepare: () => Run };
  raw: { describe: string; prepare: () => Run };
}

/** `--github-workflow` naming the signer exactly: the same identity raw cosign is given. */
const GITHUB_WORKFLOW = `${SIGNER.repository}/${SIGNER.workflowPath}@${SIGNER.ref}`;

export function startupCase(sb: Sandbox): Case {
  const step = (args: string[]): Step => ({ command: process.execPath, args, cwd: sb.root, env: sb.cliEnv });
  return {
    op: 'startup',
    ghcr: { describe: 'ghcr-blob --version', prepare: () => ({ steps: [step([sb.cliBin, '--version'])] }) },
    raw: { describe: 'node -e 0', prepare: () => ({ steps: [step(['-e', '0'])] }) },
  };
}

/** The four file cases for one sample: push, pull, verify <file>, pull --verify. */
export function fileCases(sb: Sandbox, sample: Sample): Case[] {
  const { registry, stack } = sb;
  const password = `${registry.password}\n`; // as `echo "$TOKEN" |` sends it; both sides trim it
  const cli = (args: string[], stdin?: string): Step => ({
    command: process.execPath,
    args: [sb.cliBin, ...args],
    cwd: sb.root,
    env: sb.cliEnv,
    ...(stdin === undefined ? {} : { stdin }),
  });
  const auth = ['-u', registry.username, '--password-stdin'];
  // What ghcr-blob hands oras itself: JSON output, credentials on stdin, an empty private config.
  const oras = (args: string[], cwd = sb.root): Step => ({
    command: sb.tools.oras,
    args: [...args, '--format', 'json', ...auth, '--registry-config', sb.emptyRegistryConfig],
    cwd,
    env: sb.toolEnv,
    stdin: password,
  });
  const cosignVerify = (file: string): Step => ({
    command: sb.tools.cosign,
    args: verifyBlobArgs(sb.cosignGeneration, {
      file,
      bundle: sample.bundle,
      trustedRoot: stack.trustedRootPath,
      identity: sb.signerIdentity,
      issuer: stack.issuer,
    }),
    cwd: sb.root,
    env: sb.toolEnv,
  });
  const policy = ['--github-workflow', GITHUB_WORKFLOW, '--trusted-root', stack.trustedRootPath];
  /** A fresh folder to pull into, removed (untimed) after the run. */
  const pullRun = (build: (out: string) => Step[]): Run => {
    const out = sb.freshDir('pulled');
    return { steps: build(out), after: () => rmSync(out, { recursive: true, force: true }) };
  };
  // A new repository per push: otherwise oras finds the blob already there and skips the upload.
  let pushes = 0;
  const newRef = (who: string) =>
    `${registry.host}/bench/push-${who}-${sample.size.bytes}-${++pushes}/${sample.name}:v1`;
  const { size } = sample;
  return [
    {
      op: 'push',
      size,
      ghcr: {
        describe: 'ghcr-blob push REF FILE -u U --password-stdin',
        prepare: () => ({ steps: [cli(['push', newRef('ghcr'), sample.file, ...auth], password)] }),
      },
      raw: {
        // From the file's folder, so the layer title is the bare name, typed as ghcr-blob types it.
        describe: 'oras push REF blob.bin:application/octet-stream (same flags)',
        prepare: () => ({
          steps: [oras(['push', newRef('raw'), `${sample.name}:application/octet-stream`], dirname(sample.file))],
        }),
      },
    },
    {
      op: 'pull',
      size,
      ghcr: {
        describe: 'ghcr-blob pull REF -o DIR -u U --password-stdin',
        prepare: () => pullRun((out) => [cli(['pull', sample.signedRef, '-o', out, ...auth], password)]),
      },
      raw: {
        describe: 'oras pull REF -o DIR',
        prepare: () => pullRun((out) => [oras(['pull', sample.signedRef, '-o', out])]),
      },
    },
    {
      op: 'verify',
      size,
      ghcr: {
        describe: 'ghcr-blob verify FILE --bundle B (cosign + in-process)',
        prepare: () => ({ steps: [cli(['verify', sample.file, '--bundle', sample.bundle, ...policy])] }),
      },
      raw: { describe: 'cosign verify-blob FILE --bundle B', prepare: () => ({ steps: [cosignVerify(sample.file)] }) },
    },
    {
      op: 'pull --verify',
      size,
      ghcr: {
        describe: 'ghcr-blob pull REF -o DIR --verify (finds + fetches the bundle referrer; cosign + in-process)',
        prepare: () =>
          pullRun((out) => [cli(['pull', sample.signedRef, '-o', out, '--verify', ...policy, ...auth], password)]),
      },
      raw: {
        describe: 'oras pull REF -o DIR, then cosign verify-blob DIR/FILE --bundle B (bundle already on disk)',
        prepare: () =>
          pullRun((out) => [oras(['pull', sample.signedRef, '-o', out]), cosignVerify(join(out, sample.name))]),
      },
    },
  ];
}
