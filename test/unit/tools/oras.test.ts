// oras argv per generation, with a recording Runner: exact argv, cwd and stdin for every action,
// credentials only on stdin, positional arguments after `--`, and each JSON shape oras prints.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRequest } from '../../../src/tools/exec.js';
import {
  type Credentials,
  detectOras,
  MAX_TAG_LISTING_BYTES,
  type OrasTool,
  openOras,
  type Transport,
} from '../../../src/tools/oras.js';
import { recordingRunner } from './support/recording-runner.js';

const scratch = mkdtempSync(join(tmpdir(), 'oras-argv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// The fence reads the CA file when it starts (its content is never parsed here).
const CA = join(scratch, 'ca.pem');
writeFileSync(CA, '');

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const REF = 'localhost:5000/octo/report.json:v1';
const PINNED = `localhost:5000/octo/report.json@${D1}`;
const SIG_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SECRET = 'ghp_s3cret-token-value';
const CREDS: Credentials = { username: 'octocat', secret: SECRET };

const ORAS_1_2: OrasTool = { path: '/opt/oras-1.2/oras', version: '1.2.0', generation: '1.2' };
const ORAS_1_3: OrasTool = { path: '/opt/oras-1.3/oras', version: '1.3.3', generation: '1.3' };

const CREATED = { 'org.opencontainers.image.created': '2026-11-22T20:21:41Z' };
const referrer = (digest: string) => ({
  reference: `localhost:5000/octo/report.json@${digest}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest,
  size: 783,
  annotations: CREATED,
  artifactType: SIG_TYPE,
});
const pushed = {
  reference: PINNED,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: D1,
  size: 568,
  annotations: { 'org.example.a': '1', ...CREATED },
  artifactType: 'application/vnd.example+json',
  referenceAsTags: [REF],
};

// What `--format json` printed, per action and generation, as captured from oras 1.2.0 and
// 1.3.3 against distribution 2.8 (digests replaced). Fields we do not read must pass.
const STDOUT: Record<string, Record<OrasTool['generation'], unknown>> = {
  push: { '1.2': pushed, '1.3': pushed },
  attach: { '1.2': referrer(D3), '1.3': referrer(D3) },
  discover: {
    '1.2': { manifests: [referrer(D2), referrer(D3)] },
    // 1.3 prints the subject, and each referrer with its own (here empty) referrers.
    '1.3': {
      reference: PINNED,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: D1,
      size: 568,
      referrers: [
        { ...referrer(D2), referrers: [] },
        { ...referrer(D3), referrers: [] },
      ],
    },
  },
};

const answerFor = (generation: OrasTool['generation']) => (req: RunRequest) => {
  const action = req.args[0] === 'manifest' || req.args[0] === 'blob' ? undefined : req.args[0];
  const stdout = action && STDOUT[action] ? `${JSON.stringify(STDOUT[action][generation], null, 2)}\n` : '';
  // A capped read (stdoutLimit) gets its stdout as bytes, as exec.ts returns it.
  return req.stdoutLimit === undefined ? { stdout } : { stdout: '', data: Buffer.from(stdout) };
};

/** Runs every action once and returns the recorded requests, keyed by action. */
async function runAll(tool: OrasTool, transport: Transport, credentials?: Credentials) {
  const seen: { registryConfig?: { path: string; mode: number; dirMode: number; text: string } } = {};
  const fake = recordingRunner((req) => {
    const i = req.args.indexOf('--registry-config');
    const path = req.args[i + 1];
    if (i >= 0 && path) {
      // The file must exist, be private and empty of credentials while oras runs.
      seen.registryConfig = {
        path,
        mode: statSync(path).mode & 0o777,
        dirMode: statSync(dirname(path)).mode & 0o777,
        text: readFileSync(path, 'utf8'),
      };
    }
    return answerFor(tool.generation)(req);
  });
  const oras = await openOras(tool, fake.run, transport, credentials);
  const results = {
    push: await oras.push({
      cwd: '/work/files',
      reference: REF,
      fileArg: 'report.json:application/json',
      artifactType: 'application/vnd.example+json',
      annotations: ['org.example.a=1', 'org.example.b=two words'],
    }),
    fetchManifest: await oras.fetchManifest(PINNED, '/tmp/priv/manifest.json', 4 * 1024 * 1024),
    attach: await oras.attach(PINNED, '/tmp/priv/sig', 'report.json.sigstore.json:' + SIG_TYPE, SIG_TYPE),
    discover: await oras.discover(PINNED, SIG_TYPE),
    // Bundles come through stdout (so the 1 MiB cap is exact); the bytes land in a real file.
    fetchBlob: await oras.fetchBlob(`localhost:5000/octo/report.json@${D2}`, join(scratch, 'blob'), 1024 * 1024),
  };
  const [push, fetchManifest, attach, discover, fetchBlob] = fake.calls;
  const calls = { push, fetchManifest, attach, discover, fetchBlob };
  expect(fake.calls).toHaveLength(5);
  await oras.dispose();
  return { calls, results, registryConfig: seen.registryConfig };
}

const withoutCredentials = { plainHttp: false };

describe.each([ORAS_1_2, ORAS_1_3])('oras $version argv', (tool) => {
  const depth = tool.generation === '1.3' ? ['--depth', '1'] : [];

  it('builds exact argv without credentials: no stdin, no auth flags, positionals after --', async () => {
    const { calls } = await runAll(tool, withoutCredentials);
    expect(calls.push).toEqual({
      file: tool.path,
      args: [
        'push',
        '--format',
        'json',
        '--artifact-type',
        'application/vnd.example+json',
        '--annotation',
        'org.example.a=1',
        '--annotation',
        'org.example.b=two words',
        '--',
        REF,
        'report.json:application/json',
      ],
      cwd: '/work/files',
      stdin: undefined,
      secrets: [],
      step: `oras push ${REF}`,
    });
    // Only push and attach run in the file's folder; everything else inherits ours.
    for (const call of [calls.fetchManifest, calls.discover, calls.fetchBlob]) {
      expect(call?.cwd).toBeUndefined();
    }
    expect(calls.fetchManifest).toMatchObject({
      args: ['manifest', 'fetch', '--output', '/tmp/priv/manifest.json', '--', PINNED],
      stdin: undefined,
    });
    expect(calls.attach).toMatchObject({
      args: [
        'attach',
        '--format',
        'json',
        '--artifact-type',
        SIG_TYPE,
        '--',
        PINNED,
        `report.json.sigstore.json:${SIG_TYPE}`,
      ],
      cwd: '/tmp/priv/sig',
      stdin: undefined,
    });
    expect(calls.discover).toMatchObject({
      args: ['discover', '--format', 'json', ...depth, '--artifact-type', SIG_TYPE, '--', PINNED],
      stdin: undefined,
    });
    expect(calls.fetchBlob).toMatchObject({
      args: ['blob', 'fetch', '--output', '-', '--', `localhost:5000/octo/report.json@${D2}`],
      stdin: undefined,
    });
    for (const call of Object.values(calls)) {
      expect(call?.file).toBe(tool.path);
      expect(call?.env).toBeUndefined();
      expect(call?.args).not.toContain('--username');
      expect(call?.args).not.toContain('--registry-config');
    }
  });

  it('gives oras a one-run key for the loopback fence, never the secret, with a private empty --registry-config', async () => {
    const { calls, registryConfig } = await runAll(tool, withoutCredentials, CREDS);
    expect(registryConfig).toMatchObject({ mode: 0o600, dirMode: 0o700, text: '{}' });
    const config = registryConfig?.path ?? '';
    const auth = ['--username', 'ghcr-blob', '--password-stdin', '--registry-config', config];
    // oras talks to the fence (localhost:PORT, plain HTTP) in place of the registry.
    const pushArgs = calls.push?.args ?? [];
    const fenceHost = (pushArgs[pushArgs.indexOf('--') + 1] ?? '').split('/')[0] ?? '';
    expect(fenceHost).toMatch(/^localhost:\d+$/);
    expect(fenceHost).not.toBe('localhost:5000');
    const F = (ref: string) => ref.replace('localhost:5000', fenceHost);
    expect(calls.push?.args).toEqual([
      'push',
      '--format',
      'json',
      '--artifact-type',
      'application/vnd.example+json',
      '--annotation',
      'org.example.a=1',
      '--annotation',
      'org.example.b=two words',
      ...auth,
      '--',
      F(REF),
      'report.json:application/json',
    ]);
    expect(calls.fetchManifest?.args).toEqual([
      'manifest',
      'fetch',
      '--output',
      '/tmp/priv/manifest.json',
      ...auth,
      '--',
      F(PINNED),
    ]);
    expect(calls.attach?.args).toEqual([
      'attach',
      '--format',
      'json',
      '--artifact-type',
      SIG_TYPE,
      ...auth,
      '--',
      F(PINNED),
      `report.json.sigstore.json:${SIG_TYPE}`,
    ]);
    expect(calls.discover?.args).toEqual([
      'discover',
      '--format',
      'json',
      ...depth,
      '--artifact-type',
      SIG_TYPE,
      ...auth,
      '--',
      F(PINNED),
    ]);
    expect(calls.fetchBlob?.args).toEqual([
      'blob',
      'fetch',
      '--output',
      '-',
      ...auth,
      '--',
      F(`localhost:5000/octo/report.json@${D2}`),
    ]);
    const key = calls.push?.stdin ?? '';
    expect(key).toMatch(/^[\w-]{32}$/);
    for (const call of Object.values(calls)) {
      // oras holds only the fence's key (on stdin); the secret is nowhere in what oras gets.
      expect(call?.stdin).toBe(key);
      expect(call?.stdin).not.toContain(SECRET);
      // …and both are named for redaction in every encoding oras could echo.
      expect(call?.secrets?.[0]).toBe(SECRET);
      expect(call?.secrets).toContain(Buffer.from(`${CREDS.username}:${SECRET}`).toString('base64'));
      expect(call?.secrets).toContain(key);
      expect(call?.args.join('\0')).not.toContain(SECRET);
      expect(JSON.stringify(call?.env ?? {})).not.toContain(SECRET);
      expect(call?.args).not.toContain('--password');
    }
    // dispose removes the private config folder.
    expect(existsSync(dirname(config))).toBe(false);
  });

  it.each<[string, Transport, string[]]>([
    ['--plain-http', { plainHttp: true }, ['--plain-http']],
    ['--ca-file', { plainHttp: false, caFile: CA }, ['--ca-file', CA]],
    ['both', { plainHttp: true, caFile: CA }, ['--plain-http', '--ca-file', CA]],
  ])('puts transport flags (%s) after auth and before --, on every action', async (_name, transport, flags) => {
    const { calls, registryConfig } = await runAll(tool, transport, CREDS);
    for (const call of Object.values(calls)) {
      const args = call?.args ?? [];
      const dashes = args.indexOf('--');
      expect(args.slice(dashes - flags.length - 5, dashes)).toEqual([
        '--username',
        'ghcr-blob',
        '--password-stdin',
        '--registry-config',
        registryConfig?.path,
        ...flags,
      ]);
    }
    const plain = await runAll(tool, transport);
    for (const call of Object.values(plain.calls)) {
      const args = call?.args ?? [];
      expect(args.slice(args.indexOf('--') - flags.length, args.indexOf('--'))).toEqual(flags);
    }
  });

  it('omits --artifact-type on push when none is given, and passes a dash-leading file name after --', async () => {
    const fake = recordingRunner(answerFor(tool.generation));
    const oras = await openOras(tool, fake.run, withoutCredentials);
    await oras.push({ cwd: '/w', reference: REF, fileArg: '--help:application/octet-stream', annotations: [] });
    expect(fake.calls[0]?.args).toEqual(['push', '--format', 'json', '--', REF, '--help:application/octet-stream']);
    await oras.dispose();
  });

  it("parses oras's JSON into descriptors and files", async () => {
    const { results } = await runAll(tool, withoutCredentials);
    expect(results.push).toMatchObject({
      digest: D1,
      size: 568,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    expect(results.attach).toMatchObject({ digest: D3, artifactType: SIG_TYPE });
    expect(results.discover.map((d) => d.digest)).toEqual([D2, D3]);
    expect(results.fetchManifest).toBeUndefined();
    expect(results.fetchBlob).toBeUndefined();
  });
});

describe.each([ORAS_1_2, ORAS_1_3])('oras $version listReferrers', (tool) => {
  it('lists every referrer in one unfiltered, bounded discover, and names the subject digest only when oras does', async () => {
    const fake = recordingRunner(answerFor(tool.generation));
    const oras = await openOras(tool, fake.run, withoutCredentials);
    const listing = await oras.listReferrers(REF);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({
      args: ['discover', '--format', 'json', ...(tool.generation === '1.3' ? ['--depth', '1'] : []), '--', REF],
      bounded: true,
    });
    expect(fake.calls[0]?.args).not.toContain('--artifact-type');
    expect(listing.referrers.map((d) => d.digest)).toEqual([D2, D3]);
    // 1.2 prints no subject: such a listing can never stand in for one by digest.
    expect(listing.subjectDigest).toBe(tool.generation === '1.3' ? D1 : undefined);
    await oras.dispose();
  });
});

describe.each([ORAS_1_2, ORAS_1_3])('oras $version listTags', (tool) => {
  it('one bounded `repo tags` (text, the same in both generations), capped in bytes, read one tag a line', async () => {
    const fake = recordingRunner(() => ({ stdout: '', data: Buffer.from('v1\nsha256-abc\nv2\n') }));
    const oras = await openOras(tool, fake.run, withoutCredentials);
    expect(await oras.listTags('localhost:5000/octo/report.json')).toEqual(['v1', 'sha256-abc', 'v2']);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({
      args: ['repo', 'tags', '--', 'localhost:5000/octo/report.json'],
      bounded: true,
      stdoutLimit: MAX_TAG_LISTING_BYTES,
    });
    await oras.dispose();
  });
});

describe('oras failures', () => {
  it('maps a failing run to an error with the escaped cause line, never the secret', async () => {
    const fake = recordingRunner(() => ({
      exitCode: 1,
      stderr: 'Error: failed to resolve: GET "http://localhost:5000/v2/": 401: Unauthorized\u001b[2J\n',
    }));
    const oras = await openOras(ORAS_1_3, fake.run, withoutCredentials, CREDS);
    const failure = oras.discover(PINNED, SIG_TYPE);
    await expect(failure).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: 'discover failed: failed to resolve: GET "http://localhost:5000/v2/": 401: Unauthorized\\u001b[2J',
    });
    await oras.dispose();
  });

  it.each([
    ['not JSON', 'Pushed [registry] localhost:5000/octo/report.json:v1'],
    ['a digest that is not one', JSON.stringify({ mediaType: 'x', digest: 'sha256:zz', size: 1 })],
    ['a negative size', JSON.stringify({ mediaType: 'x', digest: D1, size: -1 })],
  ])('refuses push output that is %s as INTERNAL', async (_name, stdout) => {
    const fake = recordingRunner(() => ({ stdout }));
    const oras = await openOras(ORAS_1_2, fake.run, withoutCredentials);
    await expect(oras.push({ cwd: '/w', reference: REF, fileArg: 'a', annotations: [] })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    await oras.dispose();
  });
});

describe('oras detection from `oras version` output', () => {
  it.each([
    ['Version:    1.2.0\nGo version: go1.24.4\nGit commit: 0\nGit tree state: clean\n', '1.2.0', '1.2'],
    ['Version:    1.2.3+Debian\nGo version: go1.24.4\n', '1.2.3', '1.2'],
    ['Version:    1.3.3\nGo version: go1.26.5\n', '1.3.3', '1.3'],
    ['Version:    1.3.0-beta.1\n', '1.3.0', '1.3'],
    ['Version: v1.4.0\n', '1.4.0', '1.3'],
    ['Version: 2.0.0\n', '2.0.0', '1.3'],
  ])('maps %j to version %s, generation %s', async (stdout, version, generation) => {
    const fake = recordingRunner(() => ({ stdout }));
    expect(await detectOras('/bin/oras', fake.run)).toEqual({ path: '/bin/oras', version, generation });
    expect(fake.calls).toEqual([{ file: '/bin/oras', args: ['version'] }]);
  });

  it.each([
    ['1.1.0', { stdout: 'Version:    1.1.0\n' }, /oras 1\.1\.0 is too old \(need 1\.2 or later\)/],
    ['0.16.0', { stdout: 'Version: 0.16.0\n' }, /oras 0\.16\.0 is too old/],
    ['no version line', { stdout: 'hello\n' }, /does not look like oras/],
    ['a failing run', { exitCode: 2, stdout: 'Version: 1.2.0\n' }, /does not look like oras/],
  ])('refuses %s as TOOL_MISSING with an install hint', async (_name, answer, why) => {
    const fake = recordingRunner(() => answer);
    await expect(detectOras('/bin/oras', fake.run)).rejects.toMatchObject({
      code: 'TOOL_MISSING',
      message: expect.stringMatching(why),
      recommendation: expect.stringContaining('oras'),
    });
  });
});

describe.each([ORAS_1_2, ORAS_1_3])('oras $version fetchLayer', (tool) => {
  it('fetches the layer by digest into the given file, watched and capped, through the fence', async () => {
    const fake = recordingRunner(() => ({}));
    const oras = await openOras(tool, fake.run, withoutCredentials, CREDS);
    await oras.fetchLayer(`localhost:5000/octo/report.json@${D2}`, '/tmp/priv/blob/report.json', 42);
    const [call] = fake.calls;
    expect(call?.args.slice(0, 4)).toEqual(['blob', 'fetch', '--output', '/tmp/priv/blob/report.json']);
    expect(call?.args.at(-2)).toBe('--');
    expect(call?.args.at(-1)).toMatch(new RegExp(`^localhost:\\d+/octo/report\\.json@${D2}$`));
    expect(call?.args.at(-1)).not.toContain('localhost:5000');
    expect(call?.args).toContain('--password-stdin');
    expect(call?.args.join('\0')).not.toContain(SECRET);
    expect(call?.stdin).not.toContain(SECRET);
    // Bytes landing in the private folder are progress (the stall watch) and are capped.
    expect(call).toMatchObject({ watch: '/tmp/priv/blob', maxBytes: 42 });
    await oras.dispose();
  });
});
