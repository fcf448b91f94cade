// What is compared: each case is one thing a user does, done by ghcr-blob (side A) and by the
// raw tools with equivalent flags (side B), against the same registry, stack and file. Registry
// cases run once per profile (network × auth, see profiles.ts); start-up and `verify <file>`
// touch no registry and run once.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verifyBlobArgs } from '../../test/support/sigstore/cosign-cli.js';
import { SIGNER, type Sandbox } from '../lib/sandbox.js';
import type { Size } from './config.js';
import type { Profile } from './profiles.js';
import type { Step } from './run.js';
import type { Published, Sample } from './sample.js';

export type Op = 'startup' | 'push' | 'pull' | 'verify' | 'pull --verify';

/** One run of one side: its steps, and an untimed clean-up afterwards. */
export interface Run {
  steps: Step[];
  after?: () => void;
}

export interface Case {
  op: Op;
  size?: Size;
  /** Registry cases only. */
  profile?: Profile;
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

const cli =
  (sb: Sandbox) =>
  (args: string[], stdin?: string): Step => ({
    command: process.execPath,
    args: [sb.cliBin, ...args],
    cwd: sb.root,
    env: sb.cliEnv,
    ...(stdin === undefined ? {} : { stdin }),
  });

function cosignVerify(sb: Sandbox, file: string, bundle: string): Step {
  return {
    command: sb.tools.cosign,
    args: verifyBlobArgs(sb.cosignGeneration, {
      file,
      bundle,
      trustedRoot: sb.stack.trustedRootPath,
      identity: sb.signerIdentity,
      issuer: sb.stack.issuer,
    }),
    cwd: sb.root,
    env: sb.toolEnv,
  };
}

const policyFlags = (sb: Sandbox) => ['--github-workflow', GITHUB_WORKFLOW, '--trusted-root', sb.stack.trustedRootPath];

/** `verify <file>`: no registry involved. */
export function verifyCase(sb: Sandbox, sample: Sample): Case {
  return {
    op: 'verify',
    size: sample.size,
    ghcr: {
      describe: 'ghcr-blob verify FILE --bundle B (cosign + in-process)',
      prepare: () => ({ steps: [cli(sb)(['verify', sample.file, '--bundle', sample.bundle, ...policyFlags(sb)])] }),
    },
    raw: {
      describe: 'cosign verify-blob FILE --bundle B',
      prepare: () => ({ steps: [cosignVerify(sb, sample.file, sample.bundle)] }),
    },
  };
}

/** push, pull and pull --verify of one sample against one profile's registry. */
export function registryCases(sb: Sandbox, published: Published): Case[] {
  const { sample, profile } = published;
  const { registry } = profile;
  const password = `${registry.password}\n`; // as `echo "$TOKEN" |` sends it; both sides trim it
  const auth = ['-u', registry.username, '--password-stdin'];
  const ghcr = cli(sb);
  // What ghcr-blob hands oras itself: JSON output, credentials on stdin, an empty private config.
  const oras = (args: string[], cwd = sb.root): Step => ({
    command: sb.tools.oras,
    args: [...args, '--format', 'json', ...auth, '--registry-config', sb.emptyRegistryConfig],
    cwd,
    env: sb.toolEnv,
    stdin: password,
  });
  /** Fresh folders to pull into, removed (untimed) after the run. */
  const pullRun = (build: (out: string, extra: string) => Step[]): Run => {
    const [out, extra] = [sb.freshDir('pulled'), sb.freshDir('pulled')];
    return {
      steps: build(out, extra),
      after: () => {
        for (const d of [out, extra]) rmSync(d, { recursive: true, force: true });
      },
    };
  };
  // A new repository per push: otherwise oras finds the blob already there and skips the upload.
  let pushes = 0;
  const newRef = (who: string) =>
    `${registry.host}/bench/push-${who}-${sample.size.bytes}-${++pushes}/${sample.name}:v1`;
  const { size } = sample;
  const { signedRef } = published;
  return [
    {
      op: 'push',
      size,
      profile,
      ghcr: {
        describe: 'ghcr-blob push REF FILE -u U --password-stdin',
        prepare: () => ({ steps: [ghcr(['push', newRef('ghcr'), sample.file, ...auth], password)] }),
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
      profile,
      ghcr: {
        describe: 'ghcr-blob pull REF -o DIR -u U --password-stdin',
        prepare: () => pullRun((out) => [ghcr(['pull', signedRef, '-o', out, ...auth], password)]),
      },
      raw: {
        describe: 'oras pull REF -o DIR',
        prepare: () => pullRun((out) => [oras(['pull', signedRef, '-o', out])]),
      },
    },
    {
      op: 'pull --verify',
      size,
      profile,
      ghcr: {
        describe: 'ghcr-blob pull REF -o DIR --verify (finds + fetches the bundle referrer; cosign + in-process)',
        prepare: () =>
          pullRun((out) => [ghcr(['pull', signedRef, '-o', out, '--verify', ...policyFlags(sb), ...auth], password)]),
      },
      raw: {
        // The recipe it replaces. The referrer's digest is what `oras discover` lists (known here
        // in advance, so the timed steps need not parse it).
        describe: 'the recipe: oras pull REF; oras discover REF; oras pull REPO@REFERRER; cosign verify-blob',
        prepare: () =>
          pullRun((out, bundleDir) => [
            oras(['pull', signedRef, '-o', out]),
            oras(['discover', signedRef]),
            oras(['pull', published.referrerRef, '-o', bundleDir]),
            cosignVerify(sb, join(out, sample.name), join(bundleDir, published.bundleTitle)),
          ]),
      },
    },
  ];
}
