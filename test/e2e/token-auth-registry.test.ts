// The happy paths again, against a GHCR-like registry (test/support/ghcr-like.ts): distribution
// with token auth, where every oras process is sent to a token service for a Bearer JWT, and
// referrers live in the `sha256-<hex>` index (no referrers API), listed the way cosign lists them
// on ghcr.io. Both oras/cosign generations. Every other e2e file speaks Basic auth; GHCR does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retypeFallbackEntries, type GhcrLikeRegistry } from '../support/ghcr-like.js';
import { env, EXIT, freshCliDirs, run, sha256, useKit } from '../support/kit.js';
import { getManifest, OCI_EMPTY } from '../support/registry-api.js';
import { GENERATIONS } from '../support/tools.js';

// The two generations side by side (each its own registry, token service and stack); within one
// the tests run one after another.
describe.concurrent.each(GENERATIONS)('token-auth registry, tools from %s', (gen) => {
  const kit = useKit({ gen, sigstore: true, tokenAuth: true });
  const content = `{"gen":"${gen}","n":1}\n`;
  const tokens = () => (kit.reg as GhcrLikeRegistry).tokenServer.requests;

  it.sequential('push --sign, pull --verify and verify <ref>: exactly the signed bytes land, with Bearer tokens only', async () => {
    const ref = kit.ref('v1');
    const pushed = await kit.push(ref, kit.file(content), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const pulled = await kit.pull(ref, { verify: true, json: true });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.landed).toEqual(['report.json']);
    expect(readFileSync(join(pulled.out ?? '', 'report.json'), 'utf8')).toBe(content);
    expect(pulled.left).toEqual([]);
    expect(pulled.json).toMatchObject({ digest: pushed.json.digest, file: { digest: sha256(content) } });
    const verified = await kit.verify(ref);
    expect(verified.exitCode, verified.stderr).toBe(0);
    for (const r of [pushed, pulled, verified])
      for (const s of kit.secrets()) expect(r.stdout + r.stderr).not.toContain(s);
    // oras traded the user's token for JWTs at the token service (Basic there, Bearer at the registry).
    expect(tokens().some((t) => t.user === kit.reg.username && t.status === 200)).toBe(true);
  });

  it.sequential('pull and pull by digest, unsigned, through the token service', async () => {
    const ref = kit.ref('plain');
    const pushed = await kit.push(ref, kit.file(content));
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const byTag = await kit.pull(ref);
    expect(byTag.exitCode, byTag.stderr).toBe(0);
    expect(byTag.landed).toEqual(['report.json']);
    const byDigest = await kit.pull(`${kit.reg.host}/${kit.repo}@${pushed.json.digest}`);
    expect(byDigest.exitCode, byDigest.stderr).toBe(0);
    expect(readFileSync(join(byDigest.out ?? '', 'report.json'), 'utf8')).toBe(content);
  });

  it.sequential('a signature listed the way cosign lists it on ghcr.io (typed empty in the index) verifies', async () => {
    const ref = kit.ref('cosign-listed');
    const pushed = await kit.push(ref, kit.file(content), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    expect(await retypeFallbackEntries(kit.reg, kit.repo, pushed.json.digest)).toBe(1);
    const index = await getManifest(kit.reg, kit.repo, pushed.json.digest.replace(':', '-'));
    expect(index.json.manifests).toEqual([expect.objectContaining({ artifactType: OCI_EMPTY })]);
    const pulled = await kit.pull(ref, { verify: true });
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.landed).toEqual(['report.json']);
  });

  it.sequential('pulls a public repository without any token, as ghcr.io allows', async () => {
    const ref = kit.ref('v1', 'public/tools');
    expect((await kit.push(ref, kit.file(content))).exitCode).toBe(0);
    const out = join(freshCliDirs().cwd, 'in');
    const anonymous = await run(['pull', ref, '-o', out], { out, env: env({ gen }) });
    expect(anonymous.exitCode, anonymous.stderr).toBe(0);
    expect(anonymous.landed).toEqual(['report.json']);
    expect(tokens().some((t) => t.user === null && t.status === 200)).toBe(true);
  });

  it.sequential('a wrong token is refused by the token service: exit 4, nothing lands, nothing is left', async () => {
    const ref = kit.ref('v1');
    const wrong = `${kit.reg.password}x`;
    const before = tokens().length;
    const r = await kit.pull(ref, { verify: true, env: { GHCR_TOKEN: wrong } });
    expect(r.exitCode, r.stderr).toBe(EXIT.AUTH_FAILED);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.landed).toBeNull();
    expect(r.left).toEqual([]);
    // Offered once: the fence asked for the run's token before oras's first request, was refused,
    // and every request after that (the listing, the manifest) got the same refusal without asking again.
    expect(tokens().slice(before)).toEqual([expect.objectContaining({ status: 401 })]);
  });
});
