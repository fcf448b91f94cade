// cosign argv per generation, with a recording Runner: cosign 3 takes files, cosign 2.5 takes
// URLs as flags and trust as SIGSTORE_* paths; the identity token only ever travels through a
// FIFO; failures map to AUTH_FAILED / INTERNAL / VERIFICATION_FAILED with an escaped cause line.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Cosign2Services,
  type CosignTool,
  type SignBlobRequest,
  signBlob,
  verifyBlob,
} from '../../../src/tools/cosign.js';
import type { RunRequest } from '../../../src/tools/exec.js';
import { recordingRunner } from './support/recording-runner.js';

const COSIGN_2: CosignTool = { path: '/opt/cosign-2.5/cosign', generation: 2 };
const COSIGN_3: CosignTool = { path: '/opt/cosign-3/cosign', generation: 3 };
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9jdG8vdG9vbHMifQ.c2lnbmF0dXJl';

const COSIGN2_SERVICES: Cosign2Services = {
  fulcioUrl: 'http://127.0.0.1:5555',
  rekorUrl: 'http://127.0.0.1:5556',
  tsaUrl: 'http://127.0.0.1:5557/api/v1/timestamp',
  env: {
    SIGSTORE_ROOT_FILE: '/tmp/priv/fulcio-chain.pem',
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: '/tmp/priv/ctlog-keys.pem',
    SIGSTORE_REKOR_PUBLIC_KEY: '/tmp/priv/rekor-keys.pem',
  },
};

const base: SignBlobRequest = {
  file: '/work/files/report.json',
  bundlePath: '/tmp/priv/report.json.sigstore.json',
  credential: { kind: 'keyless', identityToken: TOKEN, source: '--identity-token-stdin' },
};

interface FifoSeen {
  path: string;
  isFifo: boolean;
  mode: number;
  dirMode: number;
}

/** Signs with a runner that records the request and what the --identity-token path is. */
async function sign(tool: CosignTool, req: SignBlobRequest, answer: (r: RunRequest) => object = () => ({})) {
  let fifo: FifoSeen | undefined;
  const fake = recordingRunner((r) => {
    const path = r.args[r.args.indexOf('--identity-token') + 1] ?? '';
    const st = statSync(path);
    fifo = { path, isFifo: st.isFIFO(), mode: st.mode & 0o777, dirMode: statSync(dirname(path)).mode & 0o777 };
    return answer(r);
  });
  const result = signBlob(tool, fake.run, req);
  return { result, calls: fake.calls, fifo: () => fifo };
}

function expectNoTokenOutsideFifo(call: RunRequest | undefined): void {
  expect(call?.args.join('\0')).not.toContain(TOKEN);
  expect(Object.values(call?.env ?? {}).join('\0')).not.toContain(TOKEN);
  expect(call?.stdin).toBeUndefined();
  expect(call?.secrets).toEqual([TOKEN]);
}

describe('cosign sign-blob argv', () => {
  it.each<[string, CosignTool, Partial<SignBlobRequest>, string[], Record<string, string>]>([
    ['cosign 3, public-good (TUF)', COSIGN_3, {}, [], {}],
    [
      'cosign 3, private instance',
      COSIGN_3,
      { signingConfigPath: '/etc/sigstore/signing-config.json', trustedRootPath: '/etc/sigstore/trusted-root.json' },
      ['--signing-config', '/etc/sigstore/signing-config.json', '--trusted-root', '/etc/sigstore/trusted-root.json'],
      {},
    ],
    ['cosign 2, public-good', COSIGN_2, {}, ['--new-bundle-format'], {}],
    [
      'cosign 2, private instance with a TSA',
      COSIGN_2,
      // cosign 2 has neither flag: these must not leak into its argv.
      { cosign2: COSIGN2_SERVICES, signingConfigPath: '/sc.json', trustedRootPath: '/tr.json' },
      [
        '--new-bundle-format',
        '--fulcio-url',
        'http://127.0.0.1:5555',
        '--rekor-url',
        'http://127.0.0.1:5556',
        '--timestamp-server-url',
        'http://127.0.0.1:5557/api/v1/timestamp',
      ],
      COSIGN2_SERVICES.env,
    ],
    [
      'cosign 2, private instance without a TSA',
      COSIGN_2,
      { cosign2: { ...COSIGN2_SERVICES, tsaUrl: undefined } },
      ['--new-bundle-format', '--fulcio-url', 'http://127.0.0.1:5555', '--rekor-url', 'http://127.0.0.1:5556'],
      COSIGN2_SERVICES.env,
    ],
  ])('%s', async (_name, tool, extra, generationArgs, env) => {
    const { result, calls, fifo } = await sign(tool, { ...base, ...extra });
    await result;
    expect(calls).toHaveLength(1);
    const seen = fifo();
    expect(seen).toMatchObject({ isFifo: true, mode: 0o600, dirMode: 0o700 });
    expect(calls[0]).toEqual({
      file: tool.path,
      args: [
        'sign-blob',
        '--yes',
        '--bundle',
        '/tmp/priv/report.json.sigstore.json',
        '--identity-token',
        seen?.path,
        ...generationArgs,
        '--',
        '/work/files/report.json',
      ],
      env,
      secrets: [TOKEN],
    });
    expectNoTokenOutsideFifo(calls[0]);
    // The FIFO and its folder are gone once signing is over.
    expect(existsSync(dirname(seen?.path ?? '/'))).toBe(false);
  });

  it('keeps a dash-leading file name after --', async () => {
    const { result, calls } = await sign(COSIGN_3, { ...base, file: '--output-file=/etc/passwd' });
    await result;
    expect(calls[0]?.args.slice(-2)).toEqual(['--', '--output-file=/etc/passwd']);
  });

  it('hands the token to a child that opens the FIFO, exactly, without a newline', async () => {
    const calls: RunRequest[] = [];
    let read: string | undefined;
    await signBlob(
      COSIGN_3,
      async (r) => {
        calls.push(r);
        // Opened like cosign does: a blocking read until the writer closes.
        read = await readFile(r.args[r.args.indexOf('--identity-token') + 1] ?? '', 'utf8');
        return { exitCode: 0, stdout: '', stderr: '' };
      },
      base,
    );
    expect(read).toBe(TOKEN);
    expectNoTokenOutsideFifo(calls[0]);
  });
});

describe('cosign attest-blob argv (push --sign, sign REF: a statement naming the repository)', () => {
  const statement = {
    sha256: 'ab'.repeat(32),
    subjectName: 'report.json',
    predicatePath: '/tmp/priv/predicate.json',
    predicateType: 'https://ghcr-blob.dev/file/v1',
  };
  // cosign is handed the digest, never the file; the subject is named after the last argument.
  const tail = [
    '--hash',
    'ab'.repeat(32),
    '--predicate',
    '/tmp/priv/predicate.json',
    '--type',
    'https://ghcr-blob.dev/file/v1',
    '--',
    'report.json',
  ];

  it.each<[string, CosignTool, Partial<SignBlobRequest>, string[], Record<string, string>]>([
    [
      'cosign 3, private instance',
      COSIGN_3,
      { signingConfigPath: '/sc.json', trustedRootPath: '/tr.json' },
      ['--signing-config', '/sc.json', '--trusted-root', '/tr.json'],
      {},
    ],
    [
      'cosign 2, private instance (the DSSE Rekor entry type is its default)',
      COSIGN_2,
      { cosign2: { ...COSIGN2_SERVICES, tsaUrl: undefined } },
      ['--new-bundle-format', '--fulcio-url', 'http://127.0.0.1:5555', '--rekor-url', 'http://127.0.0.1:5556'],
      COSIGN2_SERVICES.env,
    ],
  ])('%s', async (_name, tool, extra, generationArgs, env) => {
    const { result, calls, fifo } = await sign(tool, { ...base, ...extra, statement });
    await result;
    expect(calls[0]).toEqual({
      file: tool.path,
      args: [
        'attest-blob',
        '--yes',
        '--bundle',
        '/tmp/priv/report.json.sigstore.json',
        '--identity-token',
        fifo()?.path,
        ...generationArgs,
        ...tail,
      ],
      env,
      secrets: [TOKEN],
    });
    expectNoTokenOutsideFifo(calls[0]);
  });

  it('with a key: the same statement, the password on stdin', async () => {
    const fake = recordingRunner(() => ({}));
    await signBlob(COSIGN_3, fake.run, {
      ...base,
      statement,
      credential: { kind: 'key', key: '/keys/cosign.key', password: 'pw', tlogUpload: true },
    } as SignBlobRequest);
    expect(fake.calls[0]?.args).toEqual([
      'attest-blob',
      '--yes',
      '--bundle',
      base.bundlePath,
      '--key',
      '/keys/cosign.key',
      ...tail,
    ]);
    expect(fake.calls[0]?.stdin).toBe('pw');
  });

  it('refuses a digest that is not 64 lower-case hex digits (it becomes an argument)', async () => {
    const { result } = await sign(COSIGN_3, { ...base, statement: { ...statement, sha256: '--output-file=/x' } });
    await expect(result).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('cosign sign-blob failures', () => {
  it.each([
    [
      'Fulcio 401 (cosign 3)',
      COSIGN_3,
      'Error: signing /work/files/report.json: getting key from Fulcio: retrieving cert: POST https://fulcio.example/api/v2/signingCert: 401 Unauthorized\nerror during command execution: signing …\n',
      'AUTH_FAILED',
      'cosign sign-blob failed: signing /work/files/report.json: getting key from Fulcio: retrieving cert: POST https://fulcio.example/api/v2/signingCert: 401 Unauthorized',
    ],
    [
      'Fulcio 403 (cosign 2)',
      COSIGN_2,
      'Error: signing [/f]: getting signer: getting key from Fulcio: retrieving cert: POST http://127.0.0.1:5555/api/v1/signingCert returned 403 Forbidden\nerror during command execution: signing …\n',
      'AUTH_FAILED',
      'cosign sign-blob failed: signing [/f]: getting signer: getting key from Fulcio: retrieving cert: POST http://127.0.0.1:5555/api/v1/signingCert returned 403 Forbidden',
    ],
    [
      'an expired token',
      COSIGN_3,
      'Error: getting key from Fulcio: oidc: token is expired (Token Expiry: 2026-11-22 20:00:00)\n',
      'AUTH_FAILED',
      'cosign sign-blob failed: getting key from Fulcio: oidc: token is expired (Token Expiry: 2026-11-22 20:00:00)',
    ],
    [
      'terminal escapes in the error line',
      COSIGN_3,
      'Using payload from: x\nError: bad\u001b]0;owned\u0007 thing\r\n',
      'INTERNAL',
      'cosign sign-blob failed: bad\\u001b]0;owned\\u0007 thing',
    ],
    ['no message at all', COSIGN_2, '', 'INTERNAL', 'cosign sign-blob failed: no message'],
  ])('%s → %s', async (_name, tool, stderr, code, message) => {
    const { result, fifo } = await sign(tool, base, () => ({ exitCode: 1, stderr }));
    await expect(result).rejects.toMatchObject({
      code,
      message,
      recommendation: expect.stringContaining('identity token'),
    });
    expect(existsSync(dirname(fifo()?.path ?? '/'))).toBe(false);
  });

  // A Sigstore service out of reach is the network (7, with a network hint), not a bug (1).
  it.each<[string, CosignTool, string]>([
    [
      'an unreachable Rekor',
      COSIGN_3,
      'Error: signing: creating rekor entry: Post "http://127.0.0.1:1/api/v1/log/entries": dial tcp 127.0.0.1:1: connect: connection refused\n',
    ],
    [
      "Rekor's name does not resolve",
      COSIGN_2,
      'Error: signing [x]: creating rekor entry: Post "http://rekor.invalid/api/v1/log/entries": dial tcp: lookup rekor.invalid on 127.0.0.53:53: no such host\n',
    ],
    [
      'the TUF repository behind a proxy that is down',
      COSIGN_3,
      'Error: getting signing config from TUF: updating local metadata and targets: Get "https://tuf-repo-cdn.sigstore.dev/timestamp.json": proxyconnect tcp: dial tcp 127.0.0.1:1: connect: connection refused\n',
    ],
  ])('%s → REGISTRY_UNREACHABLE', async (_name, tool, stderr) => {
    const { result } = await sign(tool, base, () => ({ exitCode: 1, stderr }));
    await expect(result).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      message: `cosign sign-blob could not reach a Sigstore service: ${stderr.trim().replace(/^Error: /, '')}`,
      recommendation: expect.stringMatching(/network access to Fulcio, Rekor.*TUF repository/),
    });
  });
});

describe('cosign verify-blob argv', () => {
  const policy = [
    '--certificate-identity',
    'https://github.com/octo/tools/.github/workflows/release.yml@refs/heads/main',
    '--certificate-oidc-issuer',
    'https://token.actions.githubusercontent.com',
  ];
  const req = { blob: { file: '/tmp/priv/report.json' }, bundlePath: '/tmp/priv/b.json', policyFlags: policy };

  it.each<[string, CosignTool, string | undefined, string[]]>([
    ['cosign 3, TUF', COSIGN_3, undefined, []],
    ['cosign 3, trusted root', COSIGN_3, '/tr.json', ['--trusted-root', '/tr.json']],
    ['cosign 2, TUF', COSIGN_2, undefined, ['--new-bundle-format']],
    ['cosign 2, trusted root', COSIGN_2, '/tr.json', ['--new-bundle-format', '--trusted-root', '/tr.json']],
  ])('%s', async (_name, tool, trustedRootPath, generationArgs) => {
    const fake = recordingRunner();
    await verifyBlob(tool, fake.run, { ...req, trustedRootPath });
    expect(fake.calls).toEqual([
      {
        file: tool.path,
        args: [
          'verify-blob',
          '--bundle',
          '/tmp/priv/b.json',
          ...policy,
          ...generationArgs,
          '--',
          '/tmp/priv/report.json',
        ],
      },
    ]);
  });

  it('given a digest, passes sha256:<hex> and runs cosign in a private folder where no such file exists', async () => {
    const hex = 'ab'.repeat(32);
    let sawCwd: { path: string; mode: number; entries: boolean } | undefined;
    const fake = recordingRunner((r) => {
      const st = statSync(r.cwd!);
      sawCwd = { path: r.cwd!, mode: st.mode & 0o777, entries: existsSync(`${r.cwd}/sha256:${hex}`) };
      return {};
    });
    await verifyBlob(COSIGN_3, fake.run, { ...req, blob: { sha256: hex } });
    expect(fake.calls[0]?.args).toEqual([
      'verify-blob',
      '--bundle',
      '/tmp/priv/b.json',
      ...policy,
      '--',
      `sha256:${hex}`,
    ]);
    expect(sawCwd).toMatchObject({ mode: 0o700, entries: false });
    // The folder is gone afterwards, also when cosign refuses.
    expect(existsSync(sawCwd!.path)).toBe(false);
    const refusing = recordingRunner(() => ({ exitCode: 1, stderr: 'Error: invalid signature\n' }));
    await expect(verifyBlob(COSIGN_2, refusing.run, { ...req, blob: { sha256: hex } })).rejects.toMatchObject({
      code: 'VERIFICATION_FAILED',
    });
    expect(existsSync(refusing.calls[0]!.cwd!)).toBe(false);
  });

  it('refuses anything but 64 lower-case hex digits as a digest (it becomes an argument)', async () => {
    const fake = recordingRunner();
    for (const sha256 of ['AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(32)}/../x`, '--output=/etc/passwd'])
      await expect(verifyBlob(COSIGN_3, fake.run, { ...req, blob: { sha256 } })).rejects.toMatchObject({
        code: 'INTERNAL',
      });
    expect(fake.calls).toEqual([]);
  });

  it('passes a sha384/sha512 digest as alg:<hex> (npm provenance subjects, P-384/P-521 signatures)', async () => {
    const fake = recordingRunner();
    for (const digest of [`sha512:${'cd'.repeat(64)}`, `sha384:${'cd'.repeat(48)}`, `sha256:${'cd'.repeat(32)}`]) {
      await verifyBlob(COSIGN_3, fake.run, { ...req, blob: { digest } });
      expect(fake.calls.at(-1)?.args.slice(-2)).toEqual(['--', digest]);
    }
  });

  it('refuses a digest whose length does not fit its algorithm, or anything else (it becomes an argument)', async () => {
    const fake = recordingRunner();
    for (const digest of [
      `sha512:${'cd'.repeat(32)}`,
      `sha256:${'cd'.repeat(64)}`,
      `sha384:${'CD'.repeat(48)}`,
      `md5:${'cd'.repeat(16)}`,
      `sha512:${'cd'.repeat(64)}\n--output=/x`,
      '--output=/etc/passwd',
    ])
      await expect(verifyBlob(COSIGN_3, fake.run, { ...req, blob: { digest } })).rejects.toMatchObject({
        code: 'INTERNAL',
      });
    expect(fake.calls).toEqual([]);
  });

  it('passes regexp policy flags through unchanged', async () => {
    const fake = recordingRunner();
    const regexpPolicy = [
      '--certificate-identity-regexp',
      '^https://github\\.com/octo/.*$',
      '--certificate-oidc-issuer-regexp',
      '^https://x$',
    ];
    await verifyBlob(COSIGN_3, fake.run, { ...req, policyFlags: regexpPolicy });
    expect(fake.calls[0]?.args).toEqual([
      'verify-blob',
      '--bundle',
      '/tmp/priv/b.json',
      ...regexpPolicy,
      '--',
      '/tmp/priv/report.json',
    ]);
  });

  it.each([
    [
      'an identity mismatch',
      'Error: none of the expected identities matched what was in the certificate, got subjects [https://evil] with issuer https://x\nerror during command execution: none of …\n',
      'cosign rejected the signature: none of the expected identities matched what was in the certificate, got subjects [https://evil] with issuer https://x',
    ],
    [
      'control characters',
      'Error: expected SAN value "a", got "b\u001b[31m\u0000"\n',
      'cosign rejected the signature: expected SAN value "a", got "b\\u001b[31m\\u0000"',
    ],
    // A refusal to verify is never an authentication problem, even when it looks like one.
    ['401 text', 'Error: 401 Unauthorized\n', 'cosign rejected the signature: 401 Unauthorized'],
  ])('maps %s to VERIFICATION_FAILED with the escaped cause', async (_name, stderr, message) => {
    const fake = recordingRunner(() => ({ exitCode: 1, stderr }));
    await expect(verifyBlob(COSIGN_2, fake.run, req)).rejects.toMatchObject({ code: 'VERIFICATION_FAILED', message });
  });
});
