// ls's pure parts and its dating against the fake oras: which tags are signature machinery (and
// only those), the order (newest first, then by name), what a manifest's date is, and the bounds
// of dating: hidden tags are not read, a tag's own failure leaves it undated, auth ends ls, and
// the time budget leaves the rest undated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dateTags,
  hiddenKind,
  listTags,
  MAX_DATED_TAGS,
  manifestDate,
  orderTags,
  type TagInfo,
} from '../../../src/artifact/tags.js';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { parseTagListing } from '../../../src/tools/oras-output.js';
import { FakeOras, REPO } from '../evidence/support/fake-oras.js';

const HEX = 'ab'.repeat(32);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const workDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tags-'));
  dirs.push(d);
  return d;
};

describe('hiddenKind: only the exact shapes of signature tags', () => {
  it.each([
    [`sha256-${HEX}`, 'referrers index'],
    [`sha256-${HEX}.sig`, 'cosign signature'],
    [`sha256-${HEX}.att`, 'cosign attestation'],
    [`sha256-${HEX}.sbom`, 'cosign SBOM'],
  ])('%s is a %s', (tag, kind) => expect(hiddenKind(tag)).toBe(kind));

  it.each([
    'v1',
    'sha256-notes', // a release named like one: listed
    'v1.sig',
    `sha256-${HEX.slice(2)}.sig`, // 62 hex
    `sha256-${HEX.toUpperCase()}`,
    `sha256-${HEX}.sig.bak`,
    `sha256-${HEX}.sigx`,
    `xsha256-${HEX}`,
  ])('%s is a release tag', (tag) => expect(hiddenKind(tag)).toBeUndefined());
});

describe('orderTags', () => {
  it('newest first; same time by name; undated after, by name', () => {
    const tags: TagInfo[] = [
      { tag: 'b-undated', undated: 'x' },
      { tag: 'old', created: '2026-01-01T00:00:00Z' },
      { tag: 'new-b', created: '2026-03-01T00:00:00Z' },
      { tag: 'a-undated', undated: 'x' },
      { tag: 'new-a', created: '2026-03-01T00:00:00Z' },
      // Another zone, same instant order: 2026-02-01T01:00+02:00 is 2026-01-31T23:00Z.
      { tag: 'mid', created: '2026-02-01T01:00:00+02:00' },
    ];
    expect(orderTags(tags).map((t) => t.tag)).toEqual(['new-a', 'new-b', 'mid', 'old', 'a-undated', 'b-undated']);
  });
});

describe('manifestDate', () => {
  const bytes = (annotations?: object) => Buffer.from(JSON.stringify({ schemaVersion: 2, annotations }));
  it('reads the created annotation and hashes the bytes', () => {
    const b = bytes({ 'org.opencontainers.image.created': '2026-12-02T11:51:55Z' });
    expect(manifestDate(b)).toEqual({
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      created: '2026-12-02T11:51:55Z',
    });
  });
  it.each([
    ['no annotations', undefined],
    ['no created', { other: 'x' }],
    ['not a date', { 'org.opencontainers.image.created': 'yesterday' }],
    ['a date without a zone', { 'org.opencontainers.image.created': '2026-12-02T11:51:55' }],
    ['an impossible date', { 'org.opencontainers.image.created': '2026-13-45T11:51:55Z' }],
  ])('%s: no date', (_n, annotations) => {
    expect(manifestDate(bytes(annotations)).created).toBeUndefined();
  });
  it('not JSON: a digest, no date', () => {
    expect(manifestDate(Buffer.from('junk'))).toEqual({ digest: expect.stringMatching(/^sha256:/) });
  });
});

describe('parseTagListing (oras repo tags, text)', () => {
  it('one tag a line', () => expect(parseTagListing('v1\nv2\n')).toEqual(['v1', 'v2']));
  it('anything that is not a tag is refused, not shown', () => {
    expect(() => parseTagListing('v1\n\u001b[31mred\n')).toThrow(/not one tag a line/);
    expect(() => parseTagListing(`${'x'.repeat(129)}\n`)).toThrow(GhcrBlobError);
  });
});

describe('dateTags against the fake registry', () => {
  const withCreated = (oras: FakeOras, tag: string, created?: string) => {
    const a = oras.artifact(tag, `content of ${tag}`);
    const m = JSON.parse(oras.manifests.get(a.digest)!.toString('utf8'));
    if (created) m.annotations = { 'org.opencontainers.image.created': created };
    oras.putManifest(m, tag);
  };
  const opts = (o: Partial<{ all: boolean; budgetMs: number }> = {}) => ({
    all: false,
    workDir: workDir(),
    budgetMs: 10_000,
    ...o,
  });

  it('dates shown tags, never reads hidden ones (unless --all)', async () => {
    const oras = new FakeOras();
    withCreated(oras, 'v1', '2026-01-01T00:00:00Z');
    withCreated(oras, `sha256-${HEX}.sig`, '2026-05-01T00:00:00Z');
    withCreated(oras, 'v2');
    const tags = [...oras.tags.keys()];
    const infos = await dateTags(oras, REPO, tags, opts());
    expect(oras.callsTo('fetchManifest').map(([ref]) => ref)).toEqual([`${REPO}:v1`, `${REPO}:v2`]);
    expect(infos).toEqual([
      expect.objectContaining({ tag: 'v1', created: '2026-01-01T00:00:00Z' }),
      { tag: `sha256-${HEX}.sig`, hidden: 'cosign signature' },
      expect.objectContaining({ tag: 'v2', undated: 'no org.opencontainers.image.created annotation' }),
    ]);
    const all = await dateTags(new FakeOras(), REPO, [`sha256-${HEX}.sig`], opts({ all: true }));
    expect(all[0]).toMatchObject({ hidden: 'cosign signature', undated: expect.stringContaining('not found') });
  });

  it(`dates at most ${MAX_DATED_TAGS}; the rest are listed undated`, async () => {
    const oras = new FakeOras();
    const tags = Array.from({ length: MAX_DATED_TAGS + 3 }, (_, i) => `t${i}`);
    const infos = await dateTags(oras, REPO, tags, opts());
    expect(oras.callsTo('fetchManifest')).toHaveLength(MAX_DATED_TAGS);
    expect(infos.at(-1)).toEqual({ tag: `t${MAX_DATED_TAGS + 2}`, undated: `beyond the first ${MAX_DATED_TAGS} tags` });
  });

  it("a tag's own failure leaves it undated; an auth failure ends ls", async () => {
    const oras = new FakeOras();
    withCreated(oras, 'v1', '2026-01-01T00:00:00Z');
    oras.failures.set('fetchManifest', [new GhcrBlobError('VERIFICATION_FAILED', 'more than 262144 bytes arrived')]);
    expect((await dateTags(oras, REPO, ['v1'], opts()))[0]).toMatchObject({
      undated: 'more than 262144 bytes arrived',
    });
    oras.failures.set('fetchManifest', [new GhcrBlobError('AUTH_FAILED', 'denied')]);
    await expect(dateTags(oras, REPO, ['v1'], opts())).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('the time budget stops the reads under way and leaves the rest unread', async () => {
    const oras = new FakeOras();
    // Every read hangs until it is stopped, as a registry that never answers.
    oras.fetchManifest = (_ref, _path, _max, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new GhcrBlobError('INTERNAL', 'cancelled')), { once: true });
      });
    const infos = await dateTags(oras, REPO, ['a', 'b', 'c', 'd', 'e', 'f'], opts({ budgetMs: 50 }));
    expect(infos.map((t) => t.undated)).toEqual(Array(6).fill('not read within the time limit'));
  });
});

describe('listTags', () => {
  it('a listing over the byte cap is refused by name, not shown in part', async () => {
    const oras = new FakeOras();
    oras.failures.set('listTags', [
      new GhcrBlobError('VERIFICATION_FAILED', 'oras repo tags r was stopped: more than 1048576 bytes arrived'),
    ]);
    await expect(listTags(oras, REPO)).rejects.toThrow(/passed 1048576 bytes; refused rather than shown in part/);
  });
  it('other failures pass through as they are', async () => {
    const oras = new FakeOras();
    oras.failures.set('listTags', [new GhcrBlobError('NOT_FOUND', 'name unknown')]);
    await expect(listTags(oras, REPO)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
