// `ls` against a registry that will not stop: a tag listing that links to a fresh next page for
// ever ends at the step budget (exit 7), one of huge pages is refused by size (exit 3) instead of
// shown in part, and a registry that stalls every manifest still gets its tags listed, undated,
// within the time limit; a missing repository and a wrong token fail as pull does. Both oras
// generations, a hostile proxy in front of the real registry; nothing is left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryProxy, startRegistryProxy, TAGS_PATH } from '../support/hostile/registry-proxy.js';
import { EXIT, expectCleanFailure, useKit } from '../support/kit.js';
import { GENERATIONS, type Generation } from '../support/tools.js';

describe.each(GENERATIONS)('ls against a hostile registry, oras from %s', (gen: Generation) => {
  const kit = useKit({ gen, repo: 'octo/many' });
  let proxy: RegistryProxy;
  beforeAll(async () => {
    proxy = await startRegistryProxy(kit.reg);
    for (const tag of ['v1', 'v2']) {
      const r = await kit.push(kit.ref(tag), kit.file(`release ${tag}\n`));
      expect(r.exitCode, r.stderr).toBe(0);
    }
  });
  afterAll(async () => proxy?.close());

  const ls = (...extra: string[]) =>
    kit.run(['ls', `${proxy.host}/octo/many`, '-u', kit.reg.username, '--timeout', '2s', ...extra]);

  it('a listing that never ends is stopped at the time limit (exit 7)', async () => {
    proxy.setRules([{ path: TAGS_PATH, method: 'GET', fault: { kind: 'tagsLoop', maxPages: 1e9, tagsPerPage: 1 } }]);
    proxy.clearLog();
    const r = await ls();
    expectCleanFailure(r, EXIT.REGISTRY_UNREACHABLE, kit.secrets(), [r.cwd]);
    expect(r.stderr).toMatch(/oras repo tags .* did not finish within 2s/);
    expect(proxy.requestsTo(TAGS_PATH).length).toBeGreaterThan(1); // it was following the links
    expect(r.stdout).toBe('');
    expect(r.left).toEqual([]);
  });

  it('a listing past the byte cap is refused, not shown in part (exit 3)', async () => {
    proxy.setRules([
      { path: TAGS_PATH, method: 'GET', fault: { kind: 'tagsLoop', maxPages: 1e9, tagsPerPage: 2000, nameBytes: 120 } },
    ]);
    proxy.clearLog();
    const r = await ls('--timeout', '60s');
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets(), [r.cwd]);
    expect(r.stderr).toContain('passed 1048576 bytes; refused rather than shown in part');
    // Stopped at the cap: a few pages of ~250 KB past 1 MiB at most, not read on until the time limit.
    expect(proxy.bytesServed(TAGS_PATH)).toBeGreaterThan(1024 * 1024);
    expect(proxy.bytesServed(TAGS_PATH)).toBeLessThan(4 * 1024 * 1024);
    expect(r.stdout).toBe('');
    expect(r.left).toEqual([]);
  });

  it('a repository that does not exist is NOT_FOUND (exit 5); a wrong token is AUTH_FAILED (exit 4), not shown', async () => {
    proxy.setRules([]);
    const missing = await kit.run(['ls', `${kit.reg.host}/octo/nothing-here`, '-u', kit.reg.username]);
    expectCleanFailure(missing, EXIT.NOT_FOUND, kit.secrets(), [missing.cwd]);
    const wrong = 'not-the-token-4f1c';
    const denied = await kit.run(['ls', `${kit.reg.host}/octo/many`, '-u', kit.reg.username], {
      env: { GHCR_TOKEN: wrong },
    });
    expectCleanFailure(denied, EXIT.AUTH_FAILED, [...kit.secrets(), wrong], [denied.cwd]);
    expect(denied.left).toEqual([]);
  });

  it('manifests that stall leave the tags undated, listed by name, within the time limit', async () => {
    proxy.setRules([{ path: /\/manifests\//, method: 'GET', fault: { kind: 'stall' } }]);
    const r = await ls('--json');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.tags).toEqual([
      expect.objectContaining({ tag: 'v1', undated: expect.any(String) }),
      expect.objectContaining({ tag: 'v2', undated: expect.any(String) }),
    ]);
    expect(r.json.tags.some((t: { created?: string }) => t.created !== undefined)).toBe(false);
    expect(r.stderr).toContain('2 of 2 tags have no date');
    expect(r.left).toEqual([]);
  });
});
