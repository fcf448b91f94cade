// push --sign / sign REF without processes: a fake Oras (in-memory registry) and a Runner that
// plays cosign attest-blob (it reads the identity token from the FIFO it is handed and writes a
// DSSE bundle holding the statement cosign would build from its flags, with the certificate of a
// real bundle from an in-process mock Sigstore). The bundle is attached only when it is about the
// very bytes the registry holds, under exactly the name asked for; a refused token attaches nothing.
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

/** How the fake cosign misbehaves: the statement it signs differs from what its flags ask. */
interface Lies {
  hash?: string;
  predicate?: object;
  /** Write this instead of a bundle. */
  bundle?: object;
}

/** The statement `cosign attest-blob --hash H --predicate P --type T -- NAME` builds. */
async function statementFrom(args: readonly string[], lies: Lies) {
  const arg = (flag: string) => args[args.indexOf(flag) + 1]!;
  return {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: arg('--type'),
    subject: [{ name: args[args.length - 1], digest: { sha256: lies.hash ?? arg('--hash') } }],
    predicate: lies.predicate ?? JSON.parse(await readFile(arg('--predicate'), 'utf8')),
  };
}

/** A Runner playing cosign attest-blob: reads the token FIFO, writes a DSSE bundle (or fails with `fail`). */
function fakeCosign(lies: Lies = {}, fail?: Partial<RunResult>) {
  const calls: Array<CosignCall & { written?: string }> = [];
  const run = async (req: RunRequest): Promise<RunResult> => {
    const arg = (flag: string) => req.args[req.args.indexOf(flag) + 1]!;
    const token = await readFile(arg('--identity-token'), 'utf8');
    const call: CosignCall & { written?: string } = { req, token };
    calls.push(call);
    if (fail) return { exitCode: 1, stdout: '', stderr: '', ...fail };
    const { messageSignature: _m, ...rest } = fx.good as unknown as Record<string, unknown>;
    const payload = Buffer.from(JSON.stringify(await statementFrom(req.args, lies))).toString('base64');
    const envelope = {
      payload,
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: 'MEUCIQ==', keyid: '' }],
    };
    call.written = JSON.stringify(lies.bundle ?? { ...rest, dsseEnvelope: envelope });
    await writeFile(arg('--bundle'), call.written);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

async function signRef(content: Buffer, lies: Lies = {}, o: { fail?: Partial<RunResult>; file?: Buffer } = {}) {
  const oras = new FakeOras();
  oras.artifact('v1', content, 'report.json');
  const work = await privateTempDir(fx.dir);
  const cosign = fakeCosign(lies, o.fail);
  try {
    const blob = await resolveBlob(oras, parseReference(`${REPO}:v1`), work.path);
    const file = join(work.path, 'report.json');
    await writeFile(file, o.file ?? content);
    const outcome = await signAndAttach(
      { oras, blob, file, workDir: work.path, run: cosign.run },
      {
        cosign: { path: '/fake/cosign', generation: 3 },
        credential: { kind: 'keyless', identityToken: TOKEN, source: '--identity-token-stdin' },
        services: { signingConfigPath: '/trust/signing-config.json', trustedRootPath: '/trust/root.json' },
        secrets: [TOKEN],
      },
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
  it('signs a statement naming the repository and title, then attaches `<title>.sigstore.json` to the manifest digest; the token only through the FIFO', async () => {
    const r = await signRef(fx.data);
    expect(r.error).toBeUndefined();
    const [attach, ...more] = r.oras.callsTo('attach');
    expect(more).toEqual([]);
    expect(attach![0]).toBe(`${REPO}@${r.blob.digest}`);
    expect(attach![2]).toBe(`report.json.sigstore.json:${BUNDLE_TYPE}`);
    expect(attach![3]).toBe(BUNDLE_TYPE);
    const [call] = r.cosign;
    expect(r.ok).toMatchObject({
      identity: workflowSan(),
      bundleDigest: `sha256:${createHash('sha256').update(call!.written!).digest('hex')}`,
      names: { repository: REPO, title: 'report.json' },
    });
    const sha256 = createHash('sha256').update(fx.data).digest('hex');
    // cosign is handed the digest (it never reads the file) and the predicate; the subject is the title.
    expect(call!.req.args[0]).toBe('attest-blob');
    expect(call!.req.args).toEqual(
      expect.arrayContaining(['--hash', sha256, '--type', 'https://ghcr-blob.dev/file/v1', '--']),
    );
    expect(call!.req.args.at(-1)).toBe('report.json');
    expect(call!.token).toBe(TOKEN);
    expect(call!.req.args.join(' ')).not.toContain(TOKEN);
    expect(JSON.stringify(call!.req.env ?? {})).not.toContain(TOKEN);
    expect(call!.req.secrets).toEqual([TOKEN]);
    expect(call!.req.args).toEqual(expect.arrayContaining(['--signing-config', '/trust/signing-config.json']));
  });

  it('a signature over other bytes than the registry holds is never attached', async () => {
    const r = await signRef(fx.data, {}, { file: Buffer.concat([fx.data, Buffer.from('changed')]) });
    expect(r.error?.code).toBe('VERIFICATION_FAILED');
    expect(r.error?.message).toMatch(/the file changed while it was pushed/);
    expect(r.oras.callsTo('attach')).toEqual([]);
  });

  it('Fulcio refusing the token: AUTH_FAILED, nothing attached, no staged bundle left', async () => {
    const r = await signRef(fx.data, {}, { fail: { stderr: 'Error: getting signer: 401 Unauthorized' } });
    expect(r.error?.code).toBe('AUTH_FAILED');
    expect(r.error?.message).toMatch(/cosign attest-blob failed: getting signer: 401 Unauthorized/);
    expect(r.oras.callsTo('attach')).toEqual([]);
    expect(r.left.filter((n) => n.startsWith('.ghcr-blob-'))).toEqual([]);
  });

  it('cosign writing something that is not a bundle: refused, nothing attached', async () => {
    const r = await signRef(fx.data, { bundle: { not: 'a bundle' } });
    expect(r.error).toBeInstanceOf(GhcrBlobError);
    expect(r.oras.callsTo('attach')).toEqual([]);
  });

  it.each([
    ['other bytes', (): Lies => ({ hash: 'ab'.repeat(32) }), /its subject is not sha256:/],
    [
      'another repository (a name that merely starts with it)',
      (): Lies => ({ predicate: { repository: `${REPO}-evil`, title: 'report.json' } }),
      /it names .*-evil/,
    ],
    ['another title', (): Lies => ({ predicate: { repository: REPO, title: 'installer.sh' } }), /installer\.sh/],
    ['nothing: a message signature', (): Lies => ({ bundle: fx.good }), /no DSSE envelope/],
  ] as const)('a statement about %s is caught by the post-sign check: nothing attached', async (_n, lies, why) => {
    const r = await signRef(fx.data, lies());
    expect(r.error?.code).toBe('INTERNAL');
    expect(r.error?.message).toMatch(why);
    expect(r.oras.callsTo('attach')).toEqual([]);
  });
});
