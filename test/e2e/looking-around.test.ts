// Looking around a repository before pulling: `ls` lists its tags newest first (by the manifest's
// created annotation) with signature machinery hidden, and `inspect` shows what a tag points at and
// every signature attached by any source (a bundle referrer, cosign's `.sig` tag), as each states
// itself, UNVERIFIED; `inspect --verify` verifies each one and exits 3 when none passes. inspect
// never downloads the file (the registry proxy's log shows no request for the layer) and writes
// nothing to cwd, TMPDIR, HOME or DOCKER_CONFIG. Both tool generations, real registry and Sigstore stack.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignSignRef } from '../support/cosign-sign.js';
import { type RegistryProxy, startRegistryProxy } from '../support/hostile/registry-proxy.js';
import {
  cosignOf,
  EXIT,
  expectCleanFailure,
  exactly,
  GITHUB_ISSUER,
  RELEASE,
  RELEASE_SAN,
  useKit,
} from '../support/kit.js';
import { listFilesRecursive } from '../support/cli.js';
import { GENERATIONS, type Generation } from '../support/tools.js';

const created = (iso: string) => ['--annotation', `org.opencontainers.image.created=${iso}`];

describe.each(GENERATIONS)('ls and inspect, tools from %s', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true, repo: 'octo/look' });
  const repo = () => `${kit.reg.host}/octo/look`;
  const digests: Record<string, string> = {};
  const pushAt = async (tag: string, iso: string, sign = false) => {
    const r = await kit.push(kit.ref(tag), kit.file(`release ${tag}\n`), { sign, extra: created(iso) });
    expect(r.exitCode, r.stderr).toBe(0);
    digests[tag] = r.json.digest;
  };

  beforeAll(async () => {
    // Pushed out of date order: the listing's order comes from the dates, not from the pushes.
    await pushAt('v1', '2026-01-01T00:00:00Z');
    await pushAt('v3', '2026-03-01T00:00:00Z', true); // a bundle referrer: a sha256-<hex> index tag
    await pushAt('v2', '2026-02-01T00:00:00Z');
    // A release tag that only starts like a signature tag: listed, not hidden.
    await pushAt('sha256-notes', '2025-12-01T00:00:00Z');
    // cosign's legacy `.sig` tag beside v2.
    await cosignSignRef(cosignOf(gen === 'trixie' ? 2 : 3), kit.reg, `${repo()}@${digests.v2}`, {
      stack: kit.stack,
      claims: RELEASE,
    });
  }, 120_000);

  it('ls: newest first by created, signature tags hidden; --all shows them', async () => {
    const r = await kit.run(['ls', repo(), '-u', kit.reg.username, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.schemaVersion).toBe(1);
    expect(r.json.tags.map((t: { tag: string }) => t.tag)).toEqual(['v3', 'v2', 'v1', 'sha256-notes']);
    expect(r.json.tags[0]).toMatchObject({ tag: 'v3', created: '2026-03-01T00:00:00Z', digest: digests.v3 });
    expect(r.json.hidden).toBe(2);
    expect(r.stderr).toContain('2 signature tags hidden');

    const all = await kit.run(['ls', repo(), '-u', kit.reg.username, '--all']);
    expect(all.exitCode, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.slice(0, 3).map((l) => l.split(/\s+/)[0])).toEqual(['v3', 'v2', 'v1']);
    const v2hex = digests.v2!.slice('sha256:'.length);
    expect(lines.find((l) => l.startsWith(`sha256-${v2hex}.sig `))).toContain('(cosign signature)');
    const v3hex = digests.v3!.slice('sha256:'.length);
    expect(lines.find((l) => l.startsWith(`sha256-${v3hex} `))).toContain('(referrers index)');
  });

  it('inspect: the resolved digest, the file, and the bundle referrer with its signer, UNVERIFIED', async () => {
    const r = await kit.run(['inspect', kit.ref('v3'), '-u', kit.reg.username, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ schemaVersion: 1, digest: digests.v3, file: { name: 'report.json', size: 11 } });
    expect(r.json.signatures).toHaveLength(1);
    const [sig] = r.json.signatures;
    expect(sig).toMatchObject({
      source: 'referrer',
      evidence: 'ghcr-blob-statement',
      unverified: {
        identity: RELEASE_SAN,
        issuer: GITHUB_ISSUER,
        signedWithKey: false,
        signedName: { repository: `${kit.reg.host}/octo/look`, title: 'report.json' },
      },
    });
    expect(sig.unverified.integratedTime ?? sig.unverified.signedTimestamps[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(sig.verification).toBeUndefined();
    const human = await kit.run(['inspect', kit.ref('v3'), '-u', kit.reg.username]);
    expect(human.stdout).toContain(`digest     ${digests.v3}`);
    expect(human.stdout).toMatch(new RegExp(`signer \\(UNVERIFIED\\)\\s+${RELEASE_SAN.replace(/[.]/g, '\\.')}`));
  });

  it("inspect lists cosign's .sig signature; an unsigned tag has none", async () => {
    const r = await kit.run(['inspect', kit.ref('v2'), '-u', kit.reg.username, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.signatures).toEqual([
      expect.objectContaining({
        source: 'sig-tag',
        layer: 0,
        evidence: 'cosign-simple-signing',
        subjects: [digests.v2],
        unverified: expect.objectContaining({ identity: RELEASE_SAN, issuer: GITHUB_ISSUER }),
      }),
    ]);
    const none = await kit.run(['inspect', kit.ref('v1'), '-u', kit.reg.username]);
    expect(none.exitCode, none.stderr).toBe(0);
    expect(none.stdout).toContain('signatures none found');
  });

  it('inspect --verify marks each signature: passes with the right policy, fails (exit 3) with a wrong identity', async () => {
    const good = await kit.run([
      'inspect',
      kit.ref('v2'),
      '-u',
      kit.reg.username,
      '--json',
      '--verify',
      ...kit.policy,
      '--trusted-root',
      kit.stack.trustedRootPath,
    ]);
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.json.verified).toBe(true);
    expect(good.json.signatures[0].verification).toMatchObject({ status: 'passed', identity: RELEASE_SAN });

    const wrong = exactly(RELEASE_SAN.replace('v1.2.0', 'v9.9.9'));
    const bad = await kit.run([
      'inspect',
      kit.ref('v3'),
      '-u',
      kit.reg.username,
      '--json',
      '--verify',
      ...wrong,
      '--trusted-root',
      kit.stack.trustedRootPath,
    ]);
    expectCleanFailure(bad, EXIT.VERIFICATION_FAILED, kit.secrets(), [bad.cwd]);
    expect(bad.json.verified).toBe(false);
    expect(bad.json.signatures[0].verification.status).toBe('failed');
    expect(bad.left).toEqual([]);

    const unsigned = await kit.run([
      'inspect',
      kit.ref('v1'),
      '-u',
      kit.reg.username,
      '--verify',
      ...kit.policy,
      '--trusted-root',
      kit.stack.trustedRootPath,
    ]);
    expectCleanFailure(unsigned, EXIT.VERIFICATION_FAILED, kit.secrets(), [unsigned.cwd]);
    expect(unsigned.stderr).toContain('no signature is attached');
  });

  it('a policy flag without --verify is refused before anything is read', async () => {
    const r = await kit.run(['inspect', kit.ref('v2'), '-u', kit.reg.username, ...kit.policy]);
    expectCleanFailure(r, EXIT.USAGE, kit.secrets(), [r.cwd]);
  });

  describe('inspect reads metadata only', () => {
    let proxy: RegistryProxy;
    beforeAll(async () => {
      proxy = await startRegistryProxy(kit.reg);
    });
    afterAll(async () => proxy?.close());

    // Through the proxy the repository is another one (its host differs), so the .sig's
    // docker-reference, checked exactly once both verifiers accepted it, names the wrong repository.
    it('never asks for the layer, and leaves nothing in cwd, TMPDIR, HOME or DOCKER_CONFIG', async () => {
      const described = await kit.run(['inspect', kit.ref('v2'), '-u', kit.reg.username, '--json']);
      const fileDigest = described.json.file.digest as string;
      const r = await kit.run([
        'inspect',
        `${proxy.host}/octo/look:v2`,
        '-u',
        kit.reg.username,
        '--verify',
        ...kit.policy,
        '--trusted-root',
        kit.stack.trustedRootPath,
      ]);
      expect(r.exitCode, r.stderr).toBe(EXIT.VERIFICATION_FAILED);
      expect(r.stdout).toContain('FAILED');
      expect(r.stdout).toContain(`${kit.reg.host}/octo/look`);
      const blobGets = proxy.requestsTo(/\/blobs\//).map((q) => q.path);
      expect(blobGets.length).toBeGreaterThan(0); // the .sig layer was read…
      expect(blobGets.filter((p) => p.endsWith(fileDigest))).toEqual([]); // …the file never
      expect(readdirSync(r.cwd)).toEqual([]);
      expect(r.left).toEqual([]);
      expect(listFilesRecursive(r.home)).toEqual([]);
      expect(listFilesRecursive(r.dockerConfig)).toEqual([]);
    });
  });

  it('ls of a repository reference with a tag is a usage error', async () => {
    const r = await kit.run(['ls', kit.ref('v1'), '-u', kit.reg.username]);
    expectCleanFailure(r, EXIT.USAGE, kit.secrets(), [r.cwd]);
    expect(r.stderr).toContain('a repository has no tag');
  });
});
