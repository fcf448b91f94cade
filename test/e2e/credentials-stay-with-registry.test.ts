// The registry's credentials go to the registry's host and its token service on that host, never
// to a redirect target or another host, whatever oras is installed. oras 1.2 on its own hands the
// password to a Bearer realm on another host, to a blob redirect's other port and to an upload
// Location on another host; ghcr-blob keeps the credential in its loopback fence and gives oras only
// a one-run key. Each hostile registry below points at a thief; the thief must never see the secret.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshCliDirs, runCli } from '../support/cli.js';
import { EXIT, expectCleanFailure } from '../support/expect.js';
import { type BearerFront, startBearerFront } from '../support/hostile/bearer-front.js';
import { type CredentialThief, startCredentialThief } from '../support/hostile/credential-thief.js';
import { type RegistryProxy, startRegistryProxy } from '../support/hostile/registry-proxy.js';
import { craftArtifact, type CraftedArtifact } from '../support/registry-api.js';
import { type Registry, startRegistry } from '../support/registry.js';
import { GENERATIONS, type Generation, toolsFor } from '../support/tools.js';

describe.each(GENERATIONS)('credentials stay with the registry, oras from %s', (gen: Generation) => {
  let reg: Registry;
  let proxy: RegistryProxy;
  let art: CraftedArtifact;
  let content: Buffer;
  const thieves: CredentialThief[] = [];
  const fronts: BearerFront[] = [];

  const cli = (args: string[], token: Record<string, string> = { GHCR_TOKEN: reg.password }) => {
    const dirs = freshCliDirs();
    const tmp = join(dirs.cwd, '..', 'tmp');
    mkdirSync(tmp, { mode: 0o700 });
    return runCli(args, {
      ...dirs,
      env: { GHCR_BLOB_ORAS: toolsFor(gen).oras, TMPDIR: tmp, ...token },
    }).then((r) => ({ r, tmp }));
  };
  const thief = async (address?: '127.0.0.2' | 'localhost') => {
    const t = await startCredentialThief(address);
    thieves.push(t);
    return t;
  };

  beforeAll(async () => {
    reg = await startRegistry({ generation: gen });
    proxy = await startRegistryProxy(reg);
    content = randomBytes(4096);
    art = await craftArtifact(reg, 'fence/file', 'v1', [{ content, title: 'data.bin' }]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), ...thieves.map((t) => t.close()), ...fronts.map((f) => f.close())]);
    await reg?.stop();
  });

  it('a Bearer realm on another host gets nothing: exit 4 naming --auth-host, nothing landed', async () => {
    const evil = await thief();
    const front = await startBearerFront(reg, { realm: `${evil.url}/token` });
    fronts.push(front);
    const { r, tmp } = await cli(['pull', `${front.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username]);
    expectCleanFailure(r, EXIT.AUTH_FAILED, [reg.password], [tmp]);
    expect(r.stderr).toContain(`--auth-host ${evil.host}`);
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(evil.requests).toEqual([]);
  });

  it('a token service on the registry host gets the credential; the download works (Bearer, as ghcr.io)', async () => {
    const front = await startBearerFront(reg);
    fronts.push(front);
    const { r } = await cli(['pull', `${front.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username]);
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(readFileSync(join(r.cwd, 'out', 'data.bin')).equals(content)).toBe(true);
    expect(front.issued).toBeGreaterThan(0);
  });

  it('a blob download redirected (307) to another port of the same host never carries the password', async () => {
    const evil = await thief('localhost');
    proxy.setRules([
      {
        path: new RegExp(`/blobs/${art.layers[0]!.digest}$`),
        method: 'GET',
        fault: { kind: 'status', status: 307, headers: { location: `${evil.url}/blob` }, body: '' },
      },
    ]);
    const { r, tmp } = await cli(['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username]);
    proxy.setRules([]);
    expect(r.exitCode, r.stderr).not.toBe(EXIT.OK);
    expect(r.stdout + r.stderr).not.toContain(reg.password);
    expect(readdirSync(r.cwd)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(evil.requests.length, 'oras followed the redirect').toBeGreaterThan(0);
    expect(evil.saw(reg.username, reg.password)).toBe(false);
  });

  it('a push whose upload Location is on another host never sends the password there', async () => {
    const evil = await thief();
    proxy.setRules([
      {
        path: /\/blobs\/uploads\/$/,
        method: 'POST',
        fault: { kind: 'status', status: 202, headers: { location: `${evil.url}/upload/1` }, body: '' },
      },
    ]);
    const dirs = freshCliDirs();
    writeFileSync(join(dirs.cwd, 'report.json'), randomBytes(64).toString('hex'));
    const r = await runCli(['push', `${proxy.host}/fence/pushed:v1`, 'report.json', '-u', reg.username], {
      ...dirs,
      env: { GHCR_BLOB_ORAS: toolsFor(gen).oras, GHCR_TOKEN: reg.password },
    });
    proxy.setRules([]);
    expect(r.exitCode, r.stderr).not.toBe(EXIT.OK);
    expect(r.stdout + r.stderr).not.toContain(reg.password);
    // oras 1.3 refuses an upload Location on another host by itself; 1.2 goes there.
    if (gen === 'trixie') expect(evil.requests.length, 'oras went to the upload location').toBeGreaterThan(0);
    expect(evil.saw(reg.username, reg.password)).toBe(false);
  });

  it('GITHUB_TOKEN taken from the environment for a registry that is not ghcr.io: a warning names it', async () => {
    const { r } = await cli(['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username], {
      GITHUB_TOKEN: reg.password,
    });
    expect(r.exitCode, r.stderr).toBe(EXIT.OK);
    expect(r.stderr).toMatch(new RegExp(`GITHUB_TOKEN.*${proxy.host}.*not ghcr\\.io`));
    const quiet = await cli(['pull', `${proxy.host}/${art.tagRef}`, '-o', 'out', '-u', reg.username]);
    expect(quiet.r.exitCode, quiet.r.stderr).toBe(EXIT.OK);
    expect(quiet.r.stderr).not.toContain('GITHUB_TOKEN');
  });
});
