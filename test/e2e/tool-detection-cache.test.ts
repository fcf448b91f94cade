// Tool detection remembered across runs (src/tools/detection-cache.ts), with the real oras and
// cosign of both generations: a second run probes nothing; a changed binary is probed again; a
// poisoned entry (the other generation) ends in the right bytes or a clean failure, never in
// unverified bytes landing.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, expectCleanFailure, freshCliDirs, useKit } from '../support/kit.js';
import { recordingStandIn, subcommand } from '../support/stand-in.js';
import { GENERATIONS, toolsFor } from '../support/tools.js';

const freshCache = () => mkdtempSync(join(tmpdir(), 'ghcr-blob-xdg-cache-'));
const entries = (cache: string) =>
  readdirSync(join(cache, 'ghcr-blob'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(cache, 'ghcr-blob', f));

describe.each(GENERATIONS)('tool detection cache, tools from %s', (gen) => {
  const kit = useKit({ gen, sigstore: true });
  const content = `{"gen":"${gen}","cache":true}\n`;

  it('the second pull --verify runs neither `oras version` nor `cosign sign-blob --help`; a changed oras is probed again', async () => {
    const ref = kit.ref('cached');
    const pushed = await kit.push(ref, kit.file(content), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    const cache = freshCache();
    const oras = recordingStandIn('oras', toolsFor(gen).oras);
    const cosign = recordingStandIn('cosign', toolsFor(gen).cosign);
    const pull = () =>
      kit.pull(ref, {
        verify: true,
        env: { XDG_CACHE_HOME: cache, GHCR_BLOB_ORAS: oras.path, GHCR_BLOB_COSIGN: cosign.path },
      });
    const probes = () => [
      oras.invocations().filter((i) => subcommand(i) === 'version').length,
      cosign.invocations().filter((i) => i.args.join(' ') === 'sign-blob --help').length,
    ];
    for (let i = 0; i < 2; i++) {
      const r = await pull();
      expect(r.exitCode, r.stderr).toBe(EXIT.OK);
      expect(r.landed).toEqual(['report.json']);
    }
    expect(probes()).toEqual([1, 1]);
    expect(entries(cache)).toHaveLength(2);
    // The same oras, rewritten in place (a reinstall): its identity changed, so it is probed again.
    writeFileSync(oras.path, `${readFileSync(oras.path, 'utf8')}\n`);
    const again = await pull();
    expect(again.exitCode, again.stderr).toBe(EXIT.OK);
    expect(probes()).toEqual([2, 1]);
  });

  it("poisoned: an entry naming the other oras generation gives the signed bytes or a clean failure, never what wasn't verified", async () => {
    const ref = kit.ref('poisoned');
    const pushed = await kit.push(ref, kit.file(content), { sign: true });
    expect(pushed.exitCode, pushed.stderr).toBe(EXIT.OK);
    const cache = freshCache();
    // A private copy of oras, so only its entry is poisoned.
    const oras = join(mkdtempSync(join(tmpdir(), 'ghcr-blob-oras-')), 'oras');
    copyFileSync(toolsFor(gen).oras, oras);
    const env = { XDG_CACHE_HOME: cache, GHCR_BLOB_ORAS: oras };
    const first = await kit.pull(ref, { env });
    expect(first.exitCode, first.stderr).toBe(EXIT.OK);
    const [entry] = entries(cache);
    const stored = JSON.parse(readFileSync(entry!, 'utf8')) as { identity: string; result: { generation: string } };
    const other = stored.result.generation === '1.2' ? '1.3' : '1.2';
    writeFileSync(entry!, JSON.stringify({ ...stored, result: { version: `${other}.0`, generation: other } }));
    const dirs = freshCliDirs();
    const r = await kit.pull(ref, { verify: true, env, cwd: dirs.cwd, out: join(dirs.cwd, 'out') });
    if (gen === 'trixie') {
      // oras 1.2 taken for 1.3: it is handed `discover --depth 1`, which it does not know.
      expectCleanFailure(r, EXIT.INTERNAL, kit.secrets());
      expect(r.landed ?? []).toEqual([]);
    } else {
      // oras 1.3 taken for 1.2: the 1.2 argv works on it (its listing is only no longer early).
      expect(r.exitCode, r.stderr).toBe(EXIT.OK);
      expect(readFileSync(join(r.out ?? '', 'report.json'), 'utf8')).toBe(content);
    }
    expect(r.left).toEqual([]);
  });
});
