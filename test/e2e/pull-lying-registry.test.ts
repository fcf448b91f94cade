// `pull` downloads the layer with `oras blob fetch REPO@<layer digest>` (not `oras pull`). This
// pins what that relies on, for oras 1.2 and 1.3, through a registry proxy that lies about the
// layer's bytes: oras must check them against the digest while downloading, and a blob bigger than
// the manifest says must be cut off. Every lie: exit 3, nothing landed, nothing left behind.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryProxy, type RegistryProxy } from '../support/hostile/registry-proxy.js';
import { craftArtifact, type CraftedArtifact } from '../support/registry-api.js';
import { byWorkflow, EXIT, expectCleanFailure, freshSandbox as sandbox, trustFlags, useKit } from '../support/kit.js';
import type { Registry } from '../support/registry.js';
import { GENERATIONS, type Generation } from '../support/tools.js';

const KiB = 1024;
const SIZE = 192 * KiB;

describe.each(GENERATIONS)('pull from a registry lying about the layer, oras from %s', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true });
  let reg: Registry;
  let proxy: RegistryProxy;
  let art: CraftedArtifact;
  let content: Buffer;
  const blobPath = () => new RegExp(`/blobs/${art.layers[0]!.digest}$`);
  const pull = async (extra: string[] = []) => {
    const s = sandbox();
    const r = await kit.pull(`${proxy.host}/${art.tagRef}`, { ...s, out: 'out', extra });
    return { r, s };
  };
  const nothingLanded = (s: ReturnType<typeof sandbox>) => {
    expect(readdirSync(s.cwd)).toEqual([]); // `out/` was created for the pull and removed again
    expect(readdirSync(s.tmp)).toEqual([]);
  };

  beforeAll(async () => {
    reg = kit.reg;
    proxy = await startRegistryProxy(reg);
    content = randomBytes(SIZE);
    art = await craftArtifact(reg, 'lying/file', 'v1', [{ content, title: 'data.bin' }]);
  });
  afterAll(async () => proxy?.close());

  it('the honest registry: the exact bytes land, in one blob request, no second manifest request', async () => {
    proxy.setRules([]);
    proxy.clearLog();
    const { r, s } = await pull();
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(readFileSync(join(s.cwd, 'out', 'data.bin')).equals(content)).toBe(true);
    expect(readdirSync(join(s.cwd, 'out'))).toEqual(['data.bin']);
    const gets = proxy.requestsTo(/\/manifests\//).filter((q) => q.method === 'GET' && q.status === 200);
    expect(gets).toHaveLength(1);
  });

  it('other bytes of the same length: oras refuses them (digest), exit 3, nothing landed', async () => {
    const other = 'x'.repeat(SIZE); // ASCII: exactly SIZE bytes on the wire
    proxy.setRules([
      {
        path: blobPath(),
        method: 'GET',
        fault: {
          kind: 'status',
          status: 200,
          body: other,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) },
        },
      },
    ]);
    proxy.clearLog();
    const { r, s } = await pull();
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(proxy.requestsTo(blobPath()).length).toBeGreaterThan(0); // the lie was served
    nothingLanded(s);
  });

  it.each([true, false])(
    'the real bytes and then far more (length declared: %s): cut off, exit 3, nothing landed',
    async (declareLength) => {
      proxy.setRules([
        { path: blobPath(), method: 'GET', fault: { kind: 'oversize', totalBytes: 64 * 1024 * KiB, declareLength } },
      ]);
      proxy.clearLog();
      const { r, s } = await pull();
      proxy.setRules([]);
      expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
      nothingLanded(s);
    },
  );

  it('pull --verify of an unsigned artifact whose blob trickles: the empty lookup stops the download at once', async () => {
    // 192 KiB at 1 KiB per 250 ms would take ~48 s; the signature lookup runs beside it, and
    // finding nothing must cut the download (a finished trickle fails below, however slow the machine).
    // With oras 1.3 the listing starts beside the manifest fetch and may be done before the download
    // would start, which then never starts: either way, no download of the blob completes.
    proxy.setRules([{ path: blobPath(), method: 'GET', fault: { kind: 'trickle', chunkBytes: KiB, everyMs: 250 } }]);
    proxy.clearLog();
    const { r, s } = await pull([
      '--verify',
      ...byWorkflow('octo/tools/.github/workflows/release.yml@refs/tags/v1'),
      ...trustFlags(kit.stack),
    ]);
    proxy.setRules([]);
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, [reg.password]);
    expect(r.stderr).toMatch(/no signature is attached/);
    const served = proxy.requestsTo(blobPath()).filter((q) => q.fault === 'trickle');
    expect(served.every((q) => !q.finished)).toBe(true); // cut, if it had started
    nothingLanded(s);
  });
});
