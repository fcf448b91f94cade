// push --sign / sign REF without processes: a fake Oras (in-memory registry) and a Runner that
// plays cosign sign-blob (it reads the identity token from the FIFO it is handed and writes a real
// bundle from an in-process mock Sigstore). The bundle is attached only when it is about the very
// bytes the registry holds; a refused token attaches nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBlob } from '../../../src/artifact/download.js';
import { GhcrBlobError } from '../../../src/core/errors.js';
import { privateTempDir } from '../../../src/core/fs.js';
import { parseReference } from '../../../src/core/reference.js';
import { signAndAttach } from '../../../src/evidence/sign-artifact.js';
import type { RunRequest, RunResult } from '../../../src/tools/exec.js';
import { workflowSan } from '../verify/support/github-claims.js';
import { useSignedBlob } from '../verify/support/signed-blob.js';
import { BUNDLE_TYPE, FakeOras, REPO } from './support/fake-oras.js';

const fx = useSignedBlob(2048);
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ0ZXN0In0.c2lnbmF0dXJl';

interface CosignCall {
  req: RunRequest;
  /** What cosign read from the `--identity-token` path. */
  token: string;
}

/** A Runner playing cosign sign-blob: reads the token FIFO, writes `bundle` (or fails with `fail`). */
function fakeCosign(bundle: object, fail?: Partial<RunResult>) {
  const calls: CosignCall[] = [];
  const run = async (req: RunRequest): Promise<RunResult> => {
    const arg = (flag: string) => req.args[req.args.indexOf(flag) + 1]!;
    const token = await readFile(arg('--identity-token'), 'utf8');
    calls.push({ req, token });
    if (fail) return { exitCode: 1, stdout: '', stderr: '', ...fail };
    await writeFile(arg('--bundle'), JSON.stringify(bundle));
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

async function signRef(content: Buffer, bundle: object, fail?: Partial<RunResult>) {
  const oras = new FakeOras();
  oras.artifact('v1', content, 'report.json');
  const work = await privateTempDir(fx.dir);
  const cosign = fakeCosign(bundle, fail);
  try {
    const blob = await resolveBlob(oras, parseReference(`${REPO}:v1`), work.path);
    const file = join(work.path, 'report.json');
    await writeFile(file, content);
    const outcome = await signAndAttach(
      { oras, blob, file, workDir: work.path, cosign: { path: '/fake/cosign', generation: 3 }, run: cosign.run },
      { identityToken: TOKEN, secrets: [TOKEN] },
      { signingConfigPath: '/trust/signing-config.json', trustedRootPath: '/trust/root.json' },
    ).then(
      (ok) => ({ ok, error: undefined }),
      (error: unknown) => ({ ok: undefined, error: error as GhcrBlobError }),
    );
    return { ...outcome, oras, blob, cosign: cosign.calls, left: await readdir(work.path) };
  } finally {
    await work.dispose();
  }
}

describe('signAndAttach (sign REF)', () => {
  it('signs the file, then attaches `<title>.sigstore.json` to the manifest digest; the token only through the FIFO', async () => {
    const r = await signRef(fx.data, fx.good);
    expect(r.error).toBeUndefined();
    const [attach, ...more] = r.oras.callsTo('attach');
    expect(more).toEqual([]);
    expect(attach![0]).toBe(`${REPO}@${r.blob.digest}`);
    expect(attach![2]).toBe(`report.json.sigstore.json:${BUNDLE_TYPE}`);
    expect(attach![3]).toBe(BUNDLE_TYPE);
    expect(r.ok).toMatchObject({
      identity: workflowSan(),
      bundleDigest: `sha256:${createHash('sha256').update(JSON.stringify(fx.good)).digest('hex')}`,
    });
    const [call] = r.cosign;
    expect(call!.token).toBe(TOKEN);
    expect(call!.req.args.join(' ')).not.toContain(TOKEN);
    expect(JSON.stringify(call!.req.env ?? {})).not.toContain(TOKEN);
    expect(call!.req.secrets).toEqual([TOKEN]);
    expect(call!.req.args).toEqual(expect.arrayContaining(['--signing-config', '/trust/signing-config.json']));
  });

  it('a signature over other bytes than the registry holds is never attached', async () => {
    const r = await signRef(Buffer.concat([fx.data, Buffer.from('changed')]), fx.good);
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/the file changed while it was pushed/);
    expect(r.oras.callsTo('attach')).toEqual([]);
  });

  it('Fulcio refusing the token: AUTH_FAILED, nothing attached, no staged bundle left', async () => {
    const r = await signRef(fx.data, fx.good, { stderr: 'Error: getting signer: 401 Unauthorized' });
    expect(r.error?.code).toBe('AUTH_FAILED');
    expect(r.error?.message).toMatch(/cosign sign-blob failed: getting signer: 401 Unauthorized/);
    expect(r.oras.callsTo('attach')).toEqual([]);
    expect(r.left.filter((n) => n.startsWith('.ghcr-blob-'))).toEqual([]);
  });

  it('cosign writing something that is not a bundle: refused, nothing attached', async () => {
    const r = await signRef(fx.data, { not: 'a bundle' });
    expect(r.error).toBeInstanceOf(GhcrBlobError);
    expect(r.oras.callsTo('attach')).toEqual([]);
  });
});
