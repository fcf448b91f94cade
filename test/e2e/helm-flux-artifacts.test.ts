// Single-file artifacts others publish: a Helm chart and a Flux artifact are one content layer
// with no title (pushed here with oras blob push + oras manifest push, as helm and flux lay them
// out), signed with cosign 2.5's `.sig`. pull --verify lands them under the name given with
// --name (checked like a title), or asks for it with a usage error; verify REF needs no name.
// An untitled layer of any other media type stays refused, --name or not.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignSignRef } from '../support/cosign-sign.js';
import { cosignOf, EXIT, expectCleanFailure, type Run, sha256, useKit } from '../support/kit.js';
import { sealedOras, type SealedOras } from '../support/oras.js';
import type { MintTokenClaims } from '../support/sigstore/index.js';

const RELEASE: MintTokenClaims = {
  repository: 'octo/charts',
  workflowPath: '.github/workflows/release.yml',
  ref: 'refs/tags/v0.3.1',
};

const SHAPES = {
  helm: {
    config: 'application/vnd.cncf.helm.config.v1+json',
    layer: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  },
  flux: {
    config: 'application/vnd.cncf.flux.config.v1+json',
    layer: 'application/vnd.cncf.flux.content.v1.tar+gzip',
  },
  other: { config: 'application/vnd.oci.empty.v1+json', layer: 'application/vnd.oci.image.layer.v1.tar+gzip' },
} as const;

const kit = useKit({ gen: 'sid', sigstore: true, release: RELEASE });
let scratch: string;
let oras: SealedOras;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'helm-flux-'));
  oras = sealedOras('sid', scratch);
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Exit `code`, nothing landed, nothing left in TMPDIR or the output folder. */
function expectNothingLanded(r: Run, code: number, check: RegExp): void {
  expectCleanFailure(r, code, kit.secrets());
  expect(r.landed ?? []).toEqual([]);
  expect(r.left).toEqual([]);
  expect(r.stderr).toMatch(check);
}

/** oras blob push (config, content) + oras manifest push: the layout helm and flux write, no title. */
async function pushShaped(shape: keyof typeof SHAPES, content: Buffer, tag: string): Promise<string> {
  const { reg } = kit;
  const repo = `${reg.host}/octo/${shape}`;
  const auth = ['-u', reg.username, '--password-stdin'];
  const config = Buffer.from(JSON.stringify({ name: 'demo', version: '0.3.1' }));
  const files = {
    config: join(scratch, `${tag}-config.json`),
    layer: join(scratch, `${tag}.tgz`),
    manifest: join(scratch, `${tag}-manifest.json`),
  };
  writeFileSync(files.config, config);
  writeFileSync(files.layer, content);
  for (const [file, bytes] of [
    [files.config, config],
    [files.layer, content],
  ] as const) {
    const r = await oras.run(['blob', 'push', ...auth, `${repo}@${sha256(bytes)}`, file], { stdin: reg.password });
    if (r.exitCode !== 0) throw new Error(`oras blob push: ${r.stderr}`);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: SHAPES[shape].config, digest: sha256(config), size: config.length },
    layers: [{ mediaType: SHAPES[shape].layer, digest: sha256(content), size: content.length }],
  };
  writeFileSync(files.manifest, JSON.stringify(manifest));
  const r = await oras.run(['manifest', 'push', ...auth, `${repo}:${tag}`, files.manifest], { stdin: reg.password });
  if (r.exitCode !== 0) throw new Error(`oras manifest push: ${r.stderr}`);
  return sha256(readFileSync(files.manifest));
}

describe.each(['helm', 'flux'] as const)('a %s-shaped artifact signed with cosign 2.5 (.sig)', (shape) => {
  const content = Buffer.from(`${shape} chart bytes\n`.repeat(40));
  let ref: string;
  beforeAll(async () => {
    const digest = await pushShaped(shape, content, 'v0.3.1');
    ref = kit.ref('v0.3.1', `octo/${shape}`);
    await cosignSignRef(cosignOf(2), kit.reg, `${kit.reg.host}/octo/${shape}@${digest}`, {
      stack: kit.stack,
      claims: RELEASE,
    });
  });

  const pull = (extra: string[]): Promise<Run> => kit.pull(ref, { verify: true, extra });

  it('pull --verify --name FILE lands it under that name, verified by both verifiers', async () => {
    const r = await pull(['--name', `${shape}-0.3.1.tgz`, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { json } = r;
    expect(json.file).toMatchObject({ name: `${shape}-0.3.1.tgz`, mediaType: SHAPES[shape].layer });
    expect(json.verification).toMatchObject({
      evidence: 'cosign-simple-signing',
      verifiers: ['sigstore-js', 'cosign 3'],
    });
    expect(r.landed).toEqual([`${shape}-0.3.1.tgz`]);
    expect(r.left).toEqual([]);
    expect(readFileSync(join(r.out!, `${shape}-0.3.1.tgz`))).toEqual(content);
  });

  it('pull without --name is a usage error that asks for it; nothing lands', async () => {
    expectNothingLanded(await pull([]), EXIT.USAGE, /names no file[\s\S]*--name FILE/);
  });

  it.each(['../escape.tgz', 'sub/dir.tgz', '.'])('--name %j is refused like such a title would be', async (name) => {
    expectNothingLanded(await pull(['--name', name]), EXIT.USAGE, /--name .* is not a plain file name/);
  });

  it('verify REF needs no name', async () => {
    const r = await kit.verify(ref, { json: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.json.file.name).toBeUndefined();
    expect(r.left).toEqual([]);
  });
});

it('an untitled layer of another media type stays refused, even with --name', async () => {
  const digest = await pushShaped('other', Buffer.from('not a chart\n'), 'v1');
  await cosignSignRef(cosignOf(2), kit.reg, `${kit.reg.host}/octo/other@${digest}`, {
    stack: kit.stack,
    claims: RELEASE,
  });
  const r = await kit.pull(kit.ref('v1', 'octo/other'), { verify: true, extra: ['--name', 'x.tgz'] });
  expectNothingLanded(r, EXIT.VERIFICATION_FAILED, /has no file name/);
});
