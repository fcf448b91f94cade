import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { loadTrustedRoot, parseTrustedRoot, TRUSTED_ROOT_MEDIA_TYPE } from '../../../src/verify/trusted-root.js';
import { startMockSigstore } from './support/mock-sigstore.js';

let root: Record<string, any>;
let dir: string;

beforeAll(async () => {
  const sigstore = await startMockSigstore({ tsa: true });
  root = sigstore.trustedRoot;
  await sigstore.close();
  dir = await mkdtemp(join(tmpdir(), 'root-test-'));
});
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

function edited(edit: (r: any) => void): string {
  const copy = structuredClone(root);
  edit(copy);
  return JSON.stringify(copy);
}

function usage(text: string): GhcrBlobError {
  try {
    parseTrustedRoot(text, 'trusted root r.json');
  } catch (e) {
    expect(e).toBeInstanceOf(GhcrBlobError);
    expect((e as GhcrBlobError).code).toBe('USAGE');
    return e as GhcrBlobError;
  }
  return expect.unreachable('the trusted root should be refused');
}

describe('parseTrustedRoot', () => {
  it('accepts a complete root', () => {
    const parsed = parseTrustedRoot(JSON.stringify(root), 'r');
    expect(parsed.tlogs).toHaveLength(1);
    expect(parsed.certificateAuthorities).toHaveLength(1);
  });

  it('reads a missing or null validFor.end as "still valid"', () => {
    const parsed = parseTrustedRoot(
      edited((r) => {
        r.tlogs[0].publicKey.validFor.end = null;
        r.ctlogs[0].publicKey.validFor.end = null;
        r.certificateAuthorities[0].validFor = { start: r.certificateAuthorities[0].validFor?.start, end: null };
      }),
      'r',
    );
    expect(parsed.tlogs[0]?.publicKey?.validFor?.end).toBeUndefined();
    expect(parsed.certificateAuthorities[0]?.validFor?.end).toBeUndefined();
  });

  it('accepts a root without transparency logs when it has a timestamp authority (timestamps only)', () => {
    const noLogs = edited((r) => (r.tlogs = []));
    expect(JSON.parse(noLogs).timestampAuthorities.length).toBeGreaterThan(0);
    expect(parseTrustedRoot(noLogs, 'r').tlogs).toEqual([]);
  });

  const refused: Array<[string, () => string, RegExp]> = [
    // cosign 3 refuses it; sigstore-js would quietly treat the key as valid since 1970.
    [
      'a Rekor key without validFor.start',
      () => edited((r) => delete r.tlogs[0].publicKey.validFor.start),
      /r\.json .*tlogs\[0\]\.publicKey\.validFor\.start/,
    ],
    [
      'a Rekor key without validFor',
      () => edited((r) => delete r.tlogs[0].publicKey.validFor),
      /tlogs\[0\]\.publicKey\.validFor/,
    ],
    [
      'a CT log key without validFor.start',
      () => edited((r) => delete r.ctlogs[0].publicKey.validFor.start),
      /ctlogs\[0\]\.publicKey\.validFor\.start/,
    ],
    [
      'a start that is not a time',
      () => edited((r) => (r.tlogs[0].publicKey.validFor.start = 'yesterday')),
      /validFor\.start/,
    ],
    [
      'another media type',
      () => edited((r) => (r.mediaType = 'application/vnd.dev.sigstore.trustedroot.v0.2+json')),
      /mediaType/,
    ],
    [
      'a bundle given as trusted root',
      () => JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
      /mediaType/,
    ],
    ['no certificate authority', () => edited((r) => (r.certificateAuthorities = [])), /certificateAuthorities/],
    [
      'neither a transparency log nor a timestamp authority',
      () =>
        edited((r) => {
          delete r.tlogs;
          delete r.timestampAuthorities;
        }),
      /neither a transparency log nor a timestamp authority/,
    ],
    ['an end that is not a time', () => edited((r) => (r.tlogs[0].publicKey.validFor.end = 'soon')), /end/],
    [
      'a key that is not a key',
      () => edited((r) => (r.tlogs[0].publicKey.rawBytes = Buffer.from('junk').toString('base64'))),
      /cannot be parsed/,
    ],
    ['truncated JSON', () => JSON.stringify(root).slice(0, 100), /r\.json is not valid JSON/],
  ];
  it.each(refused)('refuses %s', (_name, text, message) => {
    const err = usage(text());
    expect(err.message).toMatch(message);
  });

  it('recommends the expected media type', () => {
    expect(usage(edited((r) => (r.mediaType = 'x'))).recommendation).toContain(TRUSTED_ROOT_MEDIA_TYPE);
  });
});

describe('loadTrustedRoot', () => {
  it('reads a file', async () => {
    const file = join(dir, 'root.json');
    await writeFile(file, JSON.stringify(root));
    await expect(loadTrustedRoot(file)).resolves.toMatchObject({ mediaType: TRUSTED_ROOT_MEDIA_TYPE });
  });

  it('names a missing file', async () => {
    await expect(loadTrustedRoot(join(dir, 'nope.json'))).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot read trusted root .*nope\.json/),
    });
  });

  it('without a path, checks the public-good root from TUF like a file', async () => {
    // Offline: the root that @sigstore/tuf ships in seeds.json stands in for the TUF fetch,
    // so this checks that the real production root passes our schema.
    const seeds = JSON.parse(
      await readFile(createRequire(import.meta.url).resolve('@sigstore/tuf/seeds.json'), 'utf8'),
    );
    const shipped = Buffer.from(
      seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'],
      'base64',
    ).toString('utf8');
    const loaded = await loadTrustedRoot(undefined, async () => shipped);
    expect(loaded.tlogs.map((t) => t.baseUrl)).toContain('https://rekor.sigstore.dev');
    await expect(loadTrustedRoot(undefined, async () => '{}')).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/public-good trusted root \(TUF\) is not a valid/),
    });
  });
});
